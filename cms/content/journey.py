"""The onboarding journey as seeded by ``seed_demo`` (Vietnamese original, English translation).

Block shorthand (expanded by cms.demo): ("text", html), ("steps", title, [lines]), ("checklist", title,
[items]), ("callout", kind, title, html), ("cta", action, marketplace, label), ("market", code, heading,
[blocks]). The two languages must keep the same block structure: block ids are derived from the step slug
and the block's position, so a checklist ticked in one language is ticked in the other.
"""

import datetime

FACTS_CHECKED_ON = datetime.date(2026, 11, 27)

JOURNEY = {
    "vi": {
        "title": "Hành trình bán hàng online",
        "intro": (
            "<p>Từ lúc chưa từng bán online đến khi nhận đơn hàng đầu tiên: mỗi bước dưới đây nói rõ cần làm gì, "
            "vì sao, và mất khoảng bao lâu. Nhiều bước được nền tảng tự đánh dấu hoàn thành khi bạn làm xong "
            "(ví dụ khi bạn thêm sản phẩm đầu tiên), không cần khai báo lại.</p>"
        ),
    },
    "en": {
        "title": "Your journey to selling online",
        "intro": (
            "<p>From never having sold online to your first order: each step below says what to do, why, and "
            "roughly how long it takes. Many steps are ticked by the platform as soon as you have done them "
            "(for example when you add your first product), with nothing to report.</p>"
        ),
    },
}

STEPS = [
    {
        "slug": "dang-ky-kinh-doanh-va-quy-mo",
        "minutes": 20,
        "rule": "automatic",
        "milestone": "profile_complete",
        "vi": {
            "title": "Đăng ký kinh doanh và biết quy mô của mình",
            "summary": "Hoàn thiện hồ sơ cơ sở kinh doanh và hiểu bạn là hộ kinh doanh hay doanh nghiệp nhỏ và vừa.",
            "body": [
                ("text", "<p>Sàn thương mại điện tử và cơ quan thuế đều cần biết <b>ai đang bán</b>. Có hai hình thức "
                         "phổ biến:</p><ul><li><b>Hộ kinh doanh</b>: một cá nhân hoặc hộ gia đình đăng ký kinh "
                         "doanh; từ 1/7/2025 mã số thuế của hộ là <b>số định danh cá nhân 12 số</b> in trên căn cước "
                         "công dân.</li><li><b>Doanh nghiệp</b> (doanh nghiệp tư nhân, công ty TNHH, công ty cổ phần) "
                         "và hợp tác xã: có mã số thuế 10 số (chi nhánh 13 số).</li></ul>"),
                ("text", "<p>Doanh nghiệp được xếp vào nhóm <b>siêu nhỏ, nhỏ hoặc vừa</b> theo Nghị định 80/2021/NĐ-CP, "
                         "dựa trên lĩnh vực chính, số lao động tham gia bảo hiểm xã hội bình quân năm, và doanh thu "
                         "năm trước hoặc tổng nguồn vốn. Ví dụ: doanh nghiệp thương mại, dịch vụ là <b>siêu nhỏ</b> "
                         "khi có không quá 10 lao động đóng bảo hiểm và doanh thu không quá 10 tỷ đồng hoặc vốn không "
                         "quá 3 tỷ đồng. Quy mô quyết định bạn được hưởng hỗ trợ nào của Nhà nước.</p>"),
                ("steps", "Hoàn thiện hồ sơ trên nền tảng", [
                    "Vào mục Doanh nghiệp của tôi, chọn Sửa hồ sơ.",
                    "Điền tên theo giấy đăng ký, tên thương mại (tên cửa hàng người mua thấy), ngành nghề chính.",
                    "Chọn xã/phường theo danh mục sau sáp nhập 1/7/2025 và ghi số nhà, đường, ấp/khóm.",
                    "Nhập số điện thoại liên hệ; nền tảng tự chuẩn hóa sang dạng +84.",
                    "Doanh nghiệp: khai số lao động, doanh thu và nguồn vốn để nền tảng tính quy mô.",
                ]),
                ("callout", "legal", "Hộ kinh doanh không phải là doanh nghiệp",
                 "<p>Hộ kinh doanh không được xếp quy mô siêu nhỏ/nhỏ/vừa, nhưng vẫn bán hàng trên sàn bình thường "
                 "và vẫn là đối tượng của chương trình. Khi doanh thu tăng, hãy cân nhắc chuyển lên doanh nghiệp để "
                 "được hưởng hỗ trợ dành cho doanh nghiệp nhỏ và vừa.</p>"),
                ("cta", "complete_profile", "", "Hoàn thiện hồ sơ"),
            ],
        },
        "en": {
            "title": "Register your business and know your size",
            "summary": "Complete your business profile and know whether you are a household business or an SME.",
            "body": [
                ("text", "<p>Marketplaces and the tax office both need to know <b>who is selling</b>. There are two "
                         "common forms:</p><ul><li><b>Household business</b>: an individual or a family registered "
                         "to trade; since 1 July 2025 its tax code is the <b>12-digit personal identification "
                         "number</b> printed on the citizen ID card.</li><li><b>Enterprises</b> (sole "
                         "proprietorships, limited liability and joint-stock companies) and cooperatives: a 10-digit "
                         "tax code (13 digits for a branch).</li></ul>"),
                ("text", "<p>Enterprises are classed as <b>micro, small or medium</b> under Decree 80/2021/ND-CP, "
                         "from their main sector, their yearly average of employees paying social insurance, and "
                         "last year's revenue or their total capital. For example, a trade or services enterprise "
                         "is <b>micro</b> with at most 10 insured employees and revenue of at most VND 10 billion or "
                         "capital of at most VND 3 billion. Your size decides which state support you can get.</p>"),
                ("steps", "Complete your profile on the platform", [
                    "Open My business and choose Edit profile.",
                    "Enter the name on your registration, your trade name (the shop name buyers see) and main sector.",
                    "Choose your ward or commune from the list after the 1 July 2025 merger and add house number, "
                    "street, hamlet.",
                    "Enter a contact phone number; the platform stores it as +84.",
                    "Enterprises: declare headcount, revenue and capital so the platform can work out your size.",
                ]),
                ("callout", "legal", "A household business is not an enterprise",
                 "<p>Household businesses get no micro/small/medium class, but they sell on marketplaces like "
                 "anyone else and are fully part of the programme. As sales grow, consider becoming an enterprise "
                 "to qualify for support reserved for SMEs.</p>"),
                ("cta", "complete_profile", "", "Complete my profile"),
            ],
        },
    },
    {
        "slug": "phap-ly-khi-ban-online",
        "minutes": 30,
        "rule": "checklist",
        "facts": True,
        "vi": {
            "title": "Pháp lý cơ bản khi bán hàng online",
            "summary": "Giấy đăng ký, thuế, hóa đơn điện tử và dữ liệu cá nhân của người mua: những điều phải biết.",
            "body": [
                ("text", "<p>Bán trên sàn là hoạt động kinh doanh như ở chợ hay cửa hàng: cần đăng ký, khai và nộp "
                         "thuế, xuất hóa đơn khi phải xuất, và giữ gìn thông tin của khách.</p>"),
                ("callout", "legal", "Thuế khi bán trên sàn (Nghị định 117/2025/NĐ-CP)",
                 "<p>Từ 1/7/2025, sàn thương mại điện tử có chức năng thanh toán <b>khấu trừ và nộp thay</b> thuế "
                 "giá trị gia tăng và thuế thu nhập cá nhân của hộ, cá nhân kinh doanh trên từng đơn hàng thành "
                 "công (với hàng hóa: 1% thuế GTGT và 0,5% thuế TNCN). Bạn vẫn cần lưu chứng từ khấu trừ sàn gửi "
                 "để đối chiếu khi quyết toán.</p>"),
                ("callout", "legal", "Hóa đơn điện tử",
                 "<p>Doanh nghiệp xuất hóa đơn điện tử cho mỗi lần bán hàng theo Nghị định 123/2020/NĐ-CP (sửa đổi "
                 "bởi Nghị định 70/2025/NĐ-CP). Hộ kinh doanh có doanh thu từ 1 tỷ đồng/năm trở lên và dùng máy "
                 "tính tiền phải dùng hóa đơn điện tử khởi tạo từ máy tính tiền kết nối với cơ quan thuế. Hỏi Thuế "
                 "cơ sở nơi bạn đăng ký nếu chưa chắc mình thuộc trường hợp nào.</p>"),
                ("callout", "legal", "Dữ liệu cá nhân của người mua",
                 "<p>Tên, số điện thoại, địa chỉ của người mua là dữ liệu cá nhân, được Luật Bảo vệ dữ liệu cá nhân "
                 "91/2025/QH15 bảo vệ từ 1/1/2026. Chỉ dùng chúng để giao hàng và chăm sóc đơn hàng; không đăng "
                 "lên mạng xã hội, không bán hay cho người khác.</p>"),
                ("checklist", "Kiểm tra trước khi mở gian hàng", [
                    "Tôi có giấy chứng nhận đăng ký hộ kinh doanh hoặc đăng ký doanh nghiệp còn hiệu lực.",
                    "Tôi biết mã số thuế của mình và đã kiểm tra trên trang tra cứu của cơ quan thuế.",
                    "Tôi đã mở tài khoản ngân hàng đứng tên cơ sở kinh doanh (hoặc chủ hộ) để nhận tiền từ sàn.",
                    "Tôi biết cơ sở mình có phải xuất hóa đơn điện tử hay không.",
                    "Sản phẩm của tôi không thuộc danh mục cấm bán, và tôi có giấy tờ cho hàng cần điều kiện "
                    "(thực phẩm, mỹ phẩm, thực phẩm chức năng...).",
                    "Tôi chỉ dùng thông tin người mua để giao hàng và chăm sóc đơn.",
                ]),
            ],
        },
        "en": {
            "title": "Legal basics for selling online",
            "summary": "Registration, tax, e-invoices and buyers' personal data: what you must know.",
            "body": [
                ("text", "<p>Selling on a marketplace is trading like at the market or in a shop: you register, "
                         "declare and pay tax, issue invoices where required, and look after your customers' "
                         "information.</p>"),
                ("callout", "legal", "Tax when selling on marketplaces (Decree 117/2025/ND-CP)",
                 "<p>Since 1 July 2025, marketplaces that handle payment <b>withhold and pay</b> the VAT and "
                 "personal income tax of household and individual sellers on each completed order (for goods: 1% "
                 "VAT and 0.5% PIT). Keep the withholding records the marketplace sends you for your year-end "
                 "reconciliation.</p>"),
                ("callout", "legal", "E-invoices",
                 "<p>Enterprises issue an e-invoice for every sale under Decree 123/2020/ND-CP (amended by Decree "
                 "70/2025/ND-CP). Household businesses with revenue of VND 1 billion a year or more that use a "
                 "cash register must issue e-invoices generated from a cash register connected to the tax "
                 "authority. Ask your local tax office if you are unsure which case applies to you.</p>"),
                ("callout", "legal", "Buyers' personal data",
                 "<p>A buyer's name, phone number and address are personal data, protected by the Personal Data "
                 "Protection Law 91/2025/QH15 since 1 January 2026. Use them only to deliver and follow up the "
                 "order; never post them on social media, sell them or pass them on.</p>"),
                ("checklist", "Check before you open a shop", [
                    "I have a valid household business or enterprise registration certificate.",
                    "I know my tax code and have checked it on the tax authority's look-up page.",
                    "I have a bank account in the name of the business (or the household head) to receive payouts.",
                    "I know whether my business must issue e-invoices.",
                    "My products are not on the banned list, and I hold the papers for regulated goods "
                    "(food, cosmetics, supplements...).",
                    "I use buyers' details only to deliver and follow up orders.",
                ]),
            ],
        },
    },
    {
        "slug": "thue-ho-kinh-doanh",
        "minutes": 15,
        "rule": "mark_done",
        "audience_legal_form": "household",
        "facts": True,
        "vi": {
            "title": "Thuế của hộ kinh doanh khi bán online",
            "summary": "Sàn khấu trừ thuế thay bạn; bạn cần đối chiếu và khai phần bán ngoài sàn.",
            "body": [
                ("text", "<p>Với hộ kinh doanh, phần thuế trên đơn hàng bán qua sàn có chức năng thanh toán đã được "
                         "sàn khấu trừ và nộp thay. Hộ kinh doanh vẫn phải khai và nộp thuế cho doanh thu bán ngoài "
                         "sàn (tại cửa hàng, qua mạng xã hội, qua điện thoại).</p>"),
                ("steps", "Việc cần làm mỗi kỳ", [
                    "Tải chứng từ khấu trừ thuế từ trang quản lý người bán của từng sàn.",
                    "Cộng doanh thu bán ngoài sàn theo sổ bán hàng của bạn.",
                    "Khai phần doanh thu ngoài sàn với Thuế cơ sở theo hướng dẫn hiện hành (từ năm 2026 hộ kinh "
                    "doanh chuyển từ thuế khoán sang tự kê khai).",
                    "Lưu chứng từ ít nhất 10 năm như sổ sách kế toán.",
                ]),
                ("callout", "tip", "Hỏi đúng nơi",
                 "<p>Thuế cơ sở nơi bạn đăng ký hướng dẫn miễn phí. Mang theo giấy đăng ký hộ kinh doanh và căn "
                 "cước công dân.</p>"),
            ],
        },
        "en": {
            "title": "Household business tax when selling online",
            "summary": "Marketplaces withhold tax for you; you reconcile it and declare sales made elsewhere.",
            "body": [
                ("text", "<p>For a household business, the tax on orders sold through a marketplace that handles "
                         "payment is withheld and paid by the marketplace. The household still declares and pays "
                         "tax on sales made outside marketplaces (in the shop, on social media, by phone).</p>"),
                ("steps", "What to do each period", [
                    "Download the tax withholding records from each marketplace's seller centre.",
                    "Add up sales made outside marketplaces from your sales book.",
                    "Declare those sales to your local tax office as currently instructed (from 2026 household "
                    "businesses move from lump-sum tax to self-declaration).",
                    "Keep the records for at least 10 years, like your accounts.",
                ]),
                ("callout", "tip", "Ask the right office",
                 "<p>Your local tax office explains this free of charge. Bring your household business "
                 "registration and citizen ID card.</p>"),
            ],
        },
    },
    {
        "slug": "chup-anh-va-mo-ta-san-pham",
        "minutes": 45,
        "rule": "automatic",
        "milestone": "first_product_with_image",
        "vi": {
            "title": "Chụp ảnh và viết mô tả sản phẩm",
            "summary": "Ảnh rõ, sáng và mô tả đủ thông tin là điều người mua xem đầu tiên.",
            "body": [
                ("text", "<p>Người mua online không cầm được sản phẩm: họ quyết định qua ảnh và mô tả. Điện thoại "
                         "đời mới là đủ, miễn là bạn có ánh sáng tốt và phông nền gọn.</p>"),
                ("steps", "Chụp ảnh bằng điện thoại", [
                    "Chụp gần cửa sổ, ánh sáng tự nhiên ban ngày; tắt đèn flash.",
                    "Dùng phông trơn màu trắng hoặc sáng (tấm giấy A3, tấm vải).",
                    "Ảnh đầu tiên: sản phẩm chiếm phần lớn khung hình, ảnh vuông 1:1.",
                    "Thêm ảnh bao bì, nhãn (hạn dùng, thành phần, tem OCOP nếu có) và ảnh so sánh kích thước.",
                    "Chụp mỗi sản phẩm ít nhất 3 ảnh; không chèn chữ, số điện thoại hay logo sàn khác lên ảnh.",
                ]),
                ("text", "<p><b>Tên sản phẩm</b> nên theo công thức: loại sản phẩm + thương hiệu + đặc điểm + quy cách, "
                         "ví dụ <i>Trà tim sen Tháp Mười hộp 100 g</i>. <b>Mô tả</b> nói rõ nguồn gốc, thành phần, "
                         "cách dùng, cách bảo quản, hạn sử dụng, và cân nặng, kích thước khi đã đóng gói.</p>"),
                ("callout", "tip", "Cân và đo sau khi đóng gói",
                 "<p>Sàn tính phí vận chuyển theo cân nặng và kích thước gói hàng bạn khai. Khai thiếu thì bạn chịu "
                 "phí chênh lệch; khai thừa thì người mua trả phí cao và bỏ giỏ hàng.</p>"),
                ("cta", "add_product", "", "Thêm sản phẩm có ảnh"),
            ],
        },
        "en": {
            "title": "Photograph and describe your products",
            "summary": "Clear, bright photos and a complete description are what buyers look at first.",
            "body": [
                ("text", "<p>Online buyers cannot hold your product: they decide from photos and the description. A "
                         "recent phone is enough, as long as the light is good and the background tidy.</p>"),
                ("steps", "Taking photos with a phone", [
                    "Shoot near a window in daylight; turn the flash off.",
                    "Use a plain white or light background (an A3 sheet, a piece of cloth).",
                    "First photo: the product fills most of the frame, square 1:1.",
                    "Add photos of the packaging and label (expiry date, ingredients, OCOP seal if any) and one "
                    "that shows the size.",
                    "Take at least 3 photos per product; no text, phone numbers or other marketplaces' logos on them.",
                ]),
                ("text", "<p>A good <b>product name</b> follows: product type + brand + feature + pack size, for "
                         "example <i>Thap Muoi lotus heart tea, 100 g box</i>. The <b>description</b> gives origin, "
                         "ingredients, use, storage, shelf life, and the packed weight and size.</p>"),
                ("callout", "tip", "Weigh and measure after packing",
                 "<p>Marketplaces charge shipping by the weight and size you declare. Declare too little and you "
                 "pay the difference; too much and buyers pay more and abandon their carts.</p>"),
                ("cta", "add_product", "", "Add a product with photos"),
            ],
        },
    },
    {
        "slug": "them-san-pham-hoac-nhap-excel",
        "minutes": 30,
        "rule": "automatic",
        "milestone": "first_product",
        "vi": {
            "title": "Thêm sản phẩm hoặc nhập danh mục từ Excel",
            "summary": "Nhập từng sản phẩm trên điện thoại, hoặc cả danh mục một lần bằng file mẫu.",
            "body": [
                ("text", "<p>Mỗi sản phẩm có thể có tối đa hai thuộc tính phân loại (ví dụ <i>khối lượng</i> và "
                         "<i>loại hộp</i>); mỗi phân loại là một <b>biến thể</b> với mã SKU, giá và tồn kho riêng. "
                         "Mã SKU là do bạn đặt, không trùng nhau, và là chìa khóa để nền tảng đồng bộ tồn kho với các "
                         "sàn.</p>"),
                ("steps", "Nhập nhiều sản phẩm bằng Excel", [
                    "Tải file mẫu .xlsx trong mục Nhập danh mục.",
                    "Mỗi dòng là một biến thể; các biến thể cùng sản phẩm dùng chung mã sản phẩm.",
                    "Giá ghi bằng đồng, ví dụ 150.000; giữ số 0 ở đầu mã vạch.",
                    "Nén ảnh vào một file .zip, ghi tên file ảnh vào cột ảnh.",
                    "Tải lên, xem bảng kiểm tra lỗi theo từng dòng, sửa rồi xác nhận.",
                ]),
                ("callout", "tip", "Nhập lại không tạo trùng",
                 "<p>Nền tảng so khớp theo SKU: nhập lại cùng một file không tạo sản phẩm mới. Bạn có thể xuất "
                 "danh mục, sửa giá trong Excel rồi nhập lại.</p>"),
                ("cta", "add_product", "", "Thêm sản phẩm"),
                ("cta", "import_catalog", "", "Nhập từ Excel"),
            ],
        },
        "en": {
            "title": "Add products or import your catalog from Excel",
            "summary": "Add products one by one on your phone, or the whole catalog at once with the template.",
            "body": [
                ("text", "<p>Each product can have up to two options (for example <i>weight</i> and <i>box "
                         "type</i>); each combination is a <b>variant</b> with its own SKU, price and stock. You "
                         "choose the SKUs; they must be unique, and they are how the platform keeps stock in step "
                         "across marketplaces.</p>"),
                ("steps", "Importing many products from Excel", [
                    "Download the .xlsx template under Import catalog.",
                    "One row per variant; variants of one product share the product key.",
                    "Prices in dong, for example 150.000; keep the leading zeros of barcodes.",
                    "Zip your photos and write each photo's file name in the images column.",
                    "Upload, read the check that lists problems row by row, fix them and confirm.",
                ]),
                ("callout", "tip", "Importing again creates no duplicates",
                 "<p>Rows are matched by SKU: importing the same file again creates nothing new. You can export "
                 "the catalog, change prices in Excel and import it back.</p>"),
                ("cta", "add_product", "", "Add a product"),
                ("cta", "import_catalog", "", "Import from Excel"),
            ],
        },
    },
    {
        "slug": "chon-san-thuong-mai-dien-tu",
        "minutes": 20,
        "rule": "mark_done",
        "facts": True,
        "vi": {
            "title": "Chọn sàn thương mại điện tử",
            "summary": "Mỗi sàn có người mua, phí và yêu cầu khác nhau; bắt đầu với một hoặc hai sàn.",
            "body": [
                ("text", "<p>Không cần mở gian hàng trên mọi sàn ngay. Hãy bắt đầu với một hoặc hai sàn hợp với sản "
                         "phẩm của bạn, làm tốt rồi mở rộng. Chọn các sàn bạn nhắm tới ở trang Bắt đầu: hành trình sẽ "
                         "hiện hướng dẫn riêng cho các sàn đó.</p>"),
                ("text", "<ul><li><b>Shopee</b>: nhiều người mua nhất, mạnh về hàng tiêu dùng giá vừa phải; giá sản "
                         "phẩm từ 1.000 đến 120.000.000 đồng, tối đa 50 tổ hợp phân loại.</li><li><b>Lazada</b>: "
                         "giá từ 10.000 đồng; chọn ngành hàng sâu nhất vì ngành hàng quyết định mức phí.</li>"
                         "<li><b>TikTok Shop</b>: bán qua video ngắn và livestream; sản phẩm được duyệt trước khi "
                         "hiển thị.</li><li><b>Tiki</b>: yêu cầu giấy tờ theo ngành hàng (ví dụ giấy công bố thực "
                         "phẩm); sản phẩm được duyệt không đồng bộ.</li><li><b>Postmart</b> (Bưu điện) và "
                         "<b>Voso</b> (Viettel): sàn được Nhà nước khuyến khích, phù hợp nông sản và sản phẩm "
                         "OCOP; đã có hơn 300 sản phẩm của 60 doanh nghiệp Đồng Tháp trên các sàn.</li></ul>"),
                ("callout", "warning", "Phí thay đổi thường xuyên",
                 "<p>Phí cố định theo ngành hàng, phí thanh toán và phí dịch vụ (miễn phí vận chuyển, voucher) do "
                 "mỗi sàn công bố và điều chỉnh nhiều lần trong năm. Luôn xem bảng phí hiện hành trong trang quản "
                 "lý người bán trước khi đặt giá. Ngày kiểm tra thông tin ghi ở đầu trang.</p>"),
                ("market", "shopee", "Bắt đầu trên Shopee", [
                    ("text", "<p>Đăng ký tài khoản người bán bằng số điện thoại, xác minh danh tính, khai địa chỉ "
                             "lấy hàng và tài khoản ngân hàng. Tham gia chương trình hỗ trợ người bán mới trong 30 "
                             "ngày đầu để được hướng dẫn.</p>"),
                ]),
                ("market", "lazada", "Bắt đầu trên Lazada", [
                    ("text", "<p>Lazada hướng dẫn người bán mới theo bốn phần: làm nội dung sản phẩm, giá và tồn "
                             "kho, giao hàng, theo dõi thanh toán. Khai cân nặng, kích thước chính xác vì chúng "
                             "quyết định phí vận chuyển.</p>"),
                ]),
                ("market", "postmart", "Bắt đầu trên Postmart", [
                    ("text", "<p>Bưu điện tỉnh hỗ trợ mở gian hàng, chụp ảnh và lấy hàng tận nơi cho nông sản, "
                             "sản phẩm OCOP. Liên hệ bưu cục gần nhất.</p>"),
                ]),
            ],
        },
        "en": {
            "title": "Choose your marketplaces",
            "summary": "Each marketplace has its own buyers, fees and rules; start with one or two.",
            "body": [
                ("text", "<p>There is no need to open a shop on every marketplace at once. Start with one or two "
                         "that suit your products, do them well, then expand. Tick the marketplaces you aim for on "
                         "the Getting started page: the journey then shows advice for them.</p>"),
                ("text", "<ul><li><b>Shopee</b>: the most buyers, strong in everyday goods at moderate prices; "
                         "product prices from VND 1,000 to 120,000,000, at most 50 variant combinations.</li>"
                         "<li><b>Lazada</b>: prices from VND 10,000; pick the deepest category, because the category "
                         "sets the fee.</li><li><b>TikTok Shop</b>: selling through short videos and livestreams; "
                         "products are reviewed before they show.</li><li><b>Tiki</b>: asks for documents by "
                         "category (for example a food declaration); products are approved asynchronously.</li>"
                         "<li><b>Postmart</b> (VNPost) and <b>Voso</b> (Viettel): state-promoted marketplaces, good "
                         "for farm produce and OCOP products; over 300 products of 60 Đồng Tháp firms are already "
                         "there.</li></ul>"),
                ("callout", "warning", "Fees change often",
                 "<p>Category commissions, payment fees and service fees (free shipping, vouchers) are published "
                 "by each marketplace and change several times a year. Always read the current fee table in the "
                 "seller centre before setting prices. The date the facts were checked is at the top of the "
                 "page.</p>"),
                ("market", "shopee", "Getting started on Shopee", [
                    ("text", "<p>Sign up as a seller with your phone number, verify your identity, add your pick-up "
                             "address and bank account. Join the new-seller support programme in your first 30 "
                             "days for guidance.</p>"),
                ]),
                ("market", "lazada", "Getting started on Lazada", [
                    ("text", "<p>Lazada guides new sellers in four parts: product content, price and stock, "
                             "fulfilment, payment tracking. Declare weight and size accurately: they set the "
                             "shipping fee.</p>"),
                ]),
                ("market", "postmart", "Getting started on Postmart", [
                    ("text", "<p>The provincial post office helps open a shop, take photos and collect parcels at "
                             "your door for farm produce and OCOP products. Ask at your nearest post office.</p>"),
                ]),
            ],
        },
    },
    {
        "slug": "ket-noi-san",
        "minutes": 10,
        "rule": "automatic",
        "milestone": "first_marketplace_connected",
        "vi": {
            "title": "Kết nối gian hàng trên sàn",
            "summary": "Cho phép nền tảng đăng sản phẩm và đồng bộ tồn kho với gian hàng của bạn.",
            "body": [
                ("text", "<p>Sau khi mở gian hàng trên sàn, bạn kết nối nó với nền tảng một lần. Bạn đăng nhập trên "
                         "trang của sàn và đồng ý cấp quyền; nền tảng không bao giờ hỏi mật khẩu sàn của bạn.</p>"),
                ("steps", "Kết nối", [
                    "Vào mục Sàn thương mại điện tử, chọn Kết nối.",
                    "Chọn sàn, đăng nhập tài khoản người bán trên trang của sàn.",
                    "Đồng ý cấp quyền; bạn được đưa về nền tảng và thấy trạng thái Đã kết nối.",
                ]),
                ("callout", "warning", "Kết nối lại khi được nhắc",
                 "<p>Quyền truy cập có thời hạn (với Shopee, tối đa 365 ngày). Khi hết hạn, nền tảng tạm dừng đồng "
                 "bộ, gửi email và hiện nút Kết nối lại; không có dữ liệu nào bị mất.</p>"),
                ("market", "shopee", "Kết nối Shopee", [
                    ("cta", "connect_marketplace", "shopee", ""),
                ]),
                ("market", "lazada", "Kết nối Lazada", [
                    ("cta", "connect_marketplace", "lazada", ""),
                ]),
                ("cta", "connect_marketplace", "", "Kết nối gian hàng"),
            ],
        },
        "en": {
            "title": "Connect your marketplace shop",
            "summary": "Let the platform publish your products and keep stock in step with your shop.",
            "body": [
                ("text", "<p>Once your shop is open on a marketplace, connect it to the platform once. You sign in on "
                         "the marketplace's own page and approve access; the platform never asks for your "
                         "marketplace password.</p>"),
                ("steps", "Connecting", [
                    "Open Marketplaces and choose Connect.",
                    "Pick the marketplace and sign in to your seller account on its page.",
                    "Approve access; you come back to the platform and see the status Connected.",
                ]),
                ("callout", "warning", "Reconnect when asked",
                 "<p>Access expires (for Shopee after at most 365 days). When it does, the platform pauses syncing, "
                 "emails you and shows a Reconnect button; nothing is lost.</p>"),
                ("market", "shopee", "Connect Shopee", [
                    ("cta", "connect_marketplace", "shopee", ""),
                ]),
                ("market", "lazada", "Connect Lazada", [
                    ("cta", "connect_marketplace", "lazada", ""),
                ]),
                ("cta", "connect_marketplace", "", "Connect a shop"),
            ],
        },
    },
    {
        "slug": "dang-ban-va-dat-gia",
        "minutes": 30,
        "rule": "automatic",
        "milestone": "first_listing_live",
        "facts": True,
        "vi": {
            "title": "Đăng bán và đặt giá",
            "summary": "Đặt giá đã tính phí sàn, rồi đăng sản phẩm lên gian hàng đã kết nối.",
            "body": [
                ("text", "<p>Giá bán trên sàn phải đủ bù <b>giá vốn, phí sàn, thuế sàn khấu trừ và phí đóng gói</b>. "
                         "Cách tính đơn giản: giá bán = (giá vốn + phí đóng gói + lãi mong muốn) ÷ (1 − tổng tỷ lệ "
                         "phí và thuế).</p>"),
                ("callout", "tip", "Ví dụ",
                 "<p>Hộp trà sen giá vốn 60.000 đ, đóng gói 5.000 đ, muốn lãi 20.000 đ. Giả sử tổng phí sàn là 15% "
                 "và thuế khấu trừ 1,5%: giá bán = 85.000 ÷ 0,835 ≈ 102.000 đ. Thay 15% bằng mức phí hiện hành của "
                 "ngành hàng bạn trên sàn.</p>"),
                ("steps", "Đăng bán", [
                    "Vào danh sách sản phẩm trên sàn, chọn sản phẩm muốn đăng.",
                    "Chọn ngành hàng trên sàn và điền các thuộc tính bắt buộc của ngành đó.",
                    "Nền tảng kiểm tra trước (giá, ảnh, cân nặng, tên) và nói rõ cần sửa gì.",
                    "Đăng; sản phẩm chuyển sang Đang bán trên sàn khi sàn duyệt.",
                ]),
                ("cta", "publish_listings", "", "Đăng sản phẩm lên sàn"),
            ],
        },
        "en": {
            "title": "Publish and price",
            "summary": "Set prices that cover marketplace fees, then publish products to your connected shop.",
            "body": [
                ("text", "<p>A marketplace price must cover <b>cost, marketplace fees, withheld tax and packing</b>. "
                         "A simple rule: price = (cost + packing + the margin you want) ÷ (1 − total fee and tax "
                         "rate).</p>"),
                ("callout", "tip", "Example",
                 "<p>A box of lotus tea costs VND 60,000, packing VND 5,000, and you want VND 20,000 margin. With "
                 "15% total fees and 1.5% withheld tax: price = 85,000 ÷ 0.835 ≈ VND 102,000. Replace 15% with the "
                 "current rate for your category on that marketplace.</p>"),
                ("steps", "Publishing", [
                    "Open the marketplace listings and select the products to publish.",
                    "Choose the marketplace category and fill in its required attributes.",
                    "The platform checks first (price, photos, weight, name) and says exactly what to fix.",
                    "Publish; the product turns Live once the marketplace approves it.",
                ]),
                ("cta", "publish_listings", "", "Publish products"),
            ],
        },
    },
    {
        "slug": "giao-hang-doi-tra-danh-gia",
        "minutes": 20,
        "rule": "automatic",
        "milestone": "first_order_received",
        "vi": {
            "title": "Giao hàng, đổi trả và đánh giá",
            "summary": "Xác nhận và giao đơn đúng hạn, xử lý đổi trả, trả lời đánh giá.",
            "body": [
                ("text", "<p>Đơn hàng từ mọi sàn hiện trong một danh sách, và tồn kho tự trừ ở các sàn khác. Tốc độ "
                         "xử lý đơn và tỷ lệ hủy ảnh hưởng trực tiếp đến thứ hạng gian hàng.</p>"),
                ("steps", "Khi có đơn", [
                    "Xác nhận và đóng gói trong ngày; in phiếu gửi hàng từ sàn.",
                    "Giao cho đơn vị vận chuyển đúng hạn sàn yêu cầu.",
                    "Trả lời tin nhắn người mua trong vòng 24 giờ.",
                    "Sau khi giao, mời người mua đánh giá; trả lời lịch sự cả đánh giá chưa tốt.",
                ]),
                ("callout", "warning", "Đổi trả",
                 "<p>Người mua có thể yêu cầu trả hàng trong thời hạn sàn quy định. Quay video lúc đóng gói để có "
                 "bằng chứng khi tranh chấp, và phản hồi yêu cầu trả hàng trước hạn để không bị sàn tự chấp "
                 "nhận.</p>"),
                ("cta", "view_orders", "", "Xem đơn hàng"),
            ],
        },
        "en": {
            "title": "Fulfil orders, returns and reviews",
            "summary": "Confirm and ship on time, handle returns, answer reviews.",
            "body": [
                ("text", "<p>Orders from every marketplace show in one list, and stock goes down on the other "
                         "marketplaces by itself. How fast you handle orders and how few you cancel directly "
                         "affect your shop's ranking.</p>"),
                ("steps", "When an order arrives", [
                    "Confirm and pack the same day; print the shipping label from the marketplace.",
                    "Hand it to the carrier within the marketplace's deadline.",
                    "Answer buyers' messages within 24 hours.",
                    "After delivery, invite a review; reply politely, to poor reviews too.",
                ]),
                ("callout", "warning", "Returns",
                 "<p>Buyers may ask to return goods within the marketplace's window. Film your packing to have "
                 "evidence in a dispute, and answer return requests before the deadline or the marketplace "
                 "accepts them automatically.</p>"),
                ("cta", "view_orders", "", "See orders"),
            ],
        },
    },
    {
        "slug": "muoi-san-pham-dang-ban",
        "minutes": 60,
        "rule": "automatic",
        "milestone": "ten_active_products",
        "vi": {
            "title": "Mở rộng lên 10 sản phẩm đang kinh doanh",
            "summary": "Gian hàng có nhiều lựa chọn được sàn đề xuất nhiều hơn và giữ chân người mua.",
            "body": [
                ("text", "<p>Một gian hàng chỉ có một hai sản phẩm ít được tìm thấy. Thêm các quy cách khác (hộp "
                         "nhỏ, hộp quà, combo), sản phẩm cùng vùng nguyên liệu, hoặc sản phẩm theo mùa (quýt hồng "
                         "Lai Vung dịp Tết, xoài Cao Lãnh mùa thuận).</p>"),
                ("cta", "add_product", "", "Thêm sản phẩm"),
            ],
        },
        "en": {
            "title": "Grow to 10 active products",
            "summary": "Shops with more choice get recommended more by marketplaces and keep their buyers.",
            "body": [
                ("text", "<p>A shop with one or two products is rarely found. Add other pack sizes (small box, "
                         "gift box, bundles), products from the same raw material, or seasonal ones (Lai Vung pink "
                         "mandarins for Tết, Cao Lãnh mangoes in season).</p>"),
                ("cta", "add_product", "", "Add a product"),
            ],
        },
    },
    {
        "slug": "phat-trien-gian-hang",
        "minutes": 40,
        "rule": "checklist",
        "vi": {
            "title": "Phát triển gian hàng: voucher, livestream, OCOP",
            "summary": "Những cách người bán Đồng Tháp tăng đơn sau khi gian hàng đã chạy ổn.",
            "body": [
                ("text", "<p>Khi đã có đơn đều, hãy thử từng công cụ một và theo dõi kết quả trong 2–4 tuần trước "
                         "khi thêm công cụ khác.</p>"),
                ("callout", "tip", "Sản phẩm OCOP",
                 "<p>Sản phẩm đạt OCOP 3 sao trở lên được ưu tiên quảng bá trên Postmart, Voso và trong các chương "
                 "trình của tỉnh. Từ tháng 7/2025, đánh giá OCOP 3 sao do cấp tỉnh thực hiện; giấy chứng nhận có "
                 "hiệu lực 3 năm.</p>"),
                ("callout", "legal", "Livestream bán hàng",
                 "<p>Luật Thương mại điện tử 122/2025/QH15 (hiệu lực 1/7/2026) có quy định riêng cho bán hàng qua "
                 "livestream: thông tin sản phẩm nói trong buổi phát phải đúng với trang sản phẩm.</p>"),
                ("checklist", "Việc nên thử", [
                    "Tạo voucher giảm giá cho đơn đầu tiên của người mua mới.",
                    "Tham gia một chương trình khuyến mãi của sàn phù hợp với biên lợi nhuận.",
                    "Livestream hoặc đăng video ngắn giới thiệu vườn, cơ sở sản xuất.",
                    "Tìm hiểu hồ sơ đánh giá OCOP cho sản phẩm chủ lực (hỏi phòng kinh tế xã/phường).",
                ]),
            ],
        },
        "en": {
            "title": "Grow your shop: vouchers, livestreams, OCOP",
            "summary": "How Đồng Tháp sellers get more orders once their shop runs smoothly.",
            "body": [
                ("text", "<p>Once orders come in steadily, try one tool at a time and watch the results for 2–4 "
                         "weeks before adding another.</p>"),
                ("callout", "tip", "OCOP products",
                 "<p>Products rated OCOP 3 stars or more are promoted on Postmart, Voso and in the province's "
                 "programmes. Since July 2025, 3-star OCOP ratings are made at provincial level; certificates are "
                 "valid for 3 years.</p>"),
                ("callout", "legal", "Livestream selling",
                 "<p>The E-commerce Law 122/2025/QH15 (in force from 1 July 2026) has specific rules for selling "
                 "by livestream: what you say about a product must match its product page.</p>"),
                ("checklist", "Worth trying", [
                    "Create a discount voucher for new buyers' first order.",
                    "Join one marketplace promotion that fits your margin.",
                    "Livestream or post short videos showing your orchard or workshop.",
                    "Look into an OCOP rating for your main product (ask the commune or ward economic office).",
                ]),
            ],
        },
    },
]
