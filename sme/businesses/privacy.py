"""The privacy notice owners accept when they register a business (PDP Law 91/2025/QH15, Decree 356/2025).

Each version is kept verbatim in Vietnamese and English: a consent record stores the version and the SHA-256
of the text shown, so a published version must never be edited. To change the notice, add a new version and
point ``CURRENT_VERSION`` at it; owners then accept it the next time they register a business.
"""

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class PrivacyNotice:
    version: str
    published_on: str
    text_vi: str
    text_en: str

    def text(self, language: str) -> str:
        return self.text_vi if language.startswith("vi") else self.text_en

    def sha256(self, language: str) -> str:
        return hashlib.sha256(self.text(language).encode("utf-8")).hexdigest()


NOTICE_2026_11 = PrivacyNotice(
    version="2026-11",
    published_on="2026-11-27",
    text_vi="""\
THÔNG BÁO XỬ LÝ DỮ LIỆU CÁ NHÂN – Đồng Tháp SME Online (phiên bản 2026-11)

1. Mục đích. Chúng tôi xử lý dữ liệu của bạn để: đăng ký và quản lý hồ sơ doanh nghiệp hoặc hộ kinh doanh; \
quản lý nhóm làm việc; hỗ trợ bạn đưa sản phẩm lên các sàn thương mại điện tử; và để cơ quan quản lý nhà nước \
tỉnh Đồng Tháp thống kê tỷ lệ doanh nghiệp kinh doanh trên sàn (chỉ dùng số liệu tổng hợp).

2. Dữ liệu được xử lý. Họ tên, email, số điện thoại, địa chỉ kinh doanh, mã số thuế hoặc số định danh cá nhân \
(đối với hộ kinh doanh), thông tin quy mô (số lao động, doanh thu, nguồn vốn) và sản phẩm OCOP. Chúng tôi không \
thu thập ảnh căn cước và không bán dữ liệu cá nhân.

3. Thời gian lưu trữ. Dữ liệu được lưu trong thời gian bạn sử dụng nền tảng. Khi bạn yêu cầu xóa, thông tin cá \
nhân của tài khoản (họ tên, email, mật khẩu, số điện thoại và địa chỉ liên hệ) được xóa ngay; hồ sơ đăng ký kinh \
doanh (tên, mã số, xã/phường) và bằng chứng bạn đã đồng ý được giữ lại theo quy định của pháp luật.

4. Quyền của bạn. Bạn có quyền được biết, đồng ý hoặc rút lại sự đồng ý, truy cập và tải về dữ liệu của mình, \
yêu cầu chỉnh sửa, xóa, hạn chế xử lý, phản đối xử lý và khiếu nại theo Luật Bảo vệ dữ liệu cá nhân \
số 91/2025/QH15. Bạn có thể tải dữ liệu và yêu cầu xóa tại trang "Dữ liệu của tôi".

5. Liên hệ. Sở Công Thương tỉnh Đồng Tháp, đơn vị vận hành nền tảng. Nếu xảy ra sự cố lộ lọt dữ liệu, chúng tôi \
thông báo cho cơ quan có thẩm quyền trong vòng 72 giờ.
""",
    text_en="""\
PERSONAL DATA PROCESSING NOTICE – Đồng Tháp SME Online (version 2026-11)

1. Purpose. We process your data to: register and manage your enterprise or household business profile; \
manage your team; help you list products on e-commerce marketplaces; and let the provincial authorities of \
Đồng Tháp count the share of businesses trading on marketplaces (aggregate figures only).

2. Data processed. Full name, email, phone number, business address, tax code or personal identification \
number (household businesses), size information (headcount, revenue, capital) and OCOP products. We do not \
collect ID card images and we never sell personal data.

3. Retention. Data is kept while you use the platform. When you ask for erasure, your account's personal \
data (name, email, password, phone and contact address) is erased at once; the business registration record \
(name, identifier, ward) and the proof of your consent are kept as the law requires.

4. Your rights. You may be informed, give or withdraw consent, access and download your data, ask for it to \
be corrected, erased or restricted, object to processing and complain, under the Personal Data Protection Law \
91/2025/QH15. You can download your data and ask for erasure on the "My data" page.

5. Contact. The Department of Industry and Trade of Đồng Tháp, which operates the platform. If a data breach \
happens we notify the competent authority within 72 hours.
""",
)

NOTICES = {NOTICE_2026_11.version: NOTICE_2026_11}
CURRENT_VERSION = NOTICE_2026_11.version


def privacy_notice_current() -> PrivacyNotice:
    return NOTICES[CURRENT_VERSION]
