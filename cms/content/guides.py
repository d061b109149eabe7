"""Guides and FAQs seeded by ``seed_demo`` (same block shorthand as cms.content.journey)."""

GUIDE_INDEX = {
    "vi": {"title": "Cẩm nang bán hàng online",
           "intro": "<p>Hướng dẫn chi tiết cho người bán ở Đồng Tháp: ảnh sản phẩm, giá và phí sàn, hóa đơn, "
                    "đổi trả, dữ liệu cá nhân.</p>"},
    "en": {"title": "Selling online handbook",
           "intro": "<p>Detailed guides for Đồng Tháp sellers: product photos, prices and marketplace fees, "
                    "invoices, returns, personal data.</p>"},
}

GUIDES = [
    {
        "slug": "chup-anh-san-pham",
        "facts": False,
        "vi": {
            "title": "Chụp ảnh sản phẩm bằng điện thoại",
            "summary": "Ánh sáng, phông nền, bố cục và số ảnh cần có cho một sản phẩm.",
            "tags": ["hình ảnh", "sản phẩm"],
            "body": [
                ("text", "<p>Ảnh đẹp không cần máy ảnh đắt tiền. Ba điều quan trọng nhất là <b>ánh sáng</b>, "
                         "<b>phông nền</b> và <b>độ nét</b>.</p>"),
                ("steps", "Bộ ảnh cho một sản phẩm", [
                    "Ảnh chính: sản phẩm chính diện, nền trắng, chiếm khoảng 80% khung hình.",
                    "Ảnh góc nghiêng và mặt sau bao bì (thành phần, hạn dùng, nơi sản xuất).",
                    "Ảnh cận chất liệu: thớ gỗ lục bình, hạt sen, múi quýt...",
                    "Ảnh so sánh kích thước với bàn tay hoặc vật quen thuộc.",
                    "Ảnh sử dụng: ly trà đã pha, đĩa bánh phồng tôm đã chiên.",
                ]),
                ("callout", "tip", "Mẹo với nông sản",
                 "<p>Chụp trái cây ngay sau khi lau sạch, dưới bóng râm sáng; tránh nắng gắt làm cháy màu. Ghi rõ "
                 "trọng lượng trung bình mỗi trái và số trái mỗi ký.</p>"),
            ],
        },
        "en": {
            "title": "Photographing products with a phone",
            "summary": "Light, background, framing and how many photos a product needs.",
            "tags": ["photos", "products"],
            "body": [
                ("text", "<p>Good photos need no expensive camera. The three things that matter most are "
                         "<b>light</b>, <b>background</b> and <b>sharpness</b>.</p>"),
                ("steps", "A photo set for one product", [
                    "Main photo: the product from the front, white background, filling about 80% of the frame.",
                    "A side view and the back of the pack (ingredients, expiry date, place of production).",
                    "A close-up of the material: water hyacinth weave, lotus seeds, mandarin segments...",
                    "A size comparison with a hand or a familiar object.",
                    "In use: a cup of brewed tea, a plate of fried shrimp crackers.",
                ]),
                ("callout", "tip", "Tips for fresh produce",
                 "<p>Photograph fruit right after wiping it, in bright shade; harsh sun burns the colours. State "
                 "the average weight per fruit and the number of fruit per kilo.</p>"),
            ],
        },
    },
    {
        "slug": "dinh-gia-va-phi-san",
        "facts": True,
        "vi": {
            "title": "Định giá khi bán trên sàn: tính đủ các loại phí",
            "summary": "Các khoản phí sàn thường thu và cách đặt giá để vẫn có lãi.",
            "tags": ["giá", "phí sàn"],
            "body": [
                ("text", "<p>Trên mỗi đơn thành công, sàn thường trừ: <b>phí cố định</b> theo ngành hàng, <b>phí "
                         "thanh toán</b>, <b>phí dịch vụ</b> nếu bạn tham gia chương trình (miễn phí vận chuyển, "
                         "hoàn xu, voucher của sàn), và <b>thuế khấu trừ</b> với hộ, cá nhân kinh doanh. Mức phí do "
                         "sàn công bố và thay đổi theo thời gian.</p>"),
                ("steps", "Đặt giá trong 4 bước", [
                    "Tính giá vốn một đơn vị: nguyên liệu, bao bì, công, hao hụt.",
                    "Cộng phí đóng gói và phần phí vận chuyển bạn chịu (nếu có).",
                    "Cộng tổng tỷ lệ phí sàn và thuế khấu trừ theo bảng phí hiện hành.",
                    "Giá bán = (giá vốn + đóng gói + lãi) ÷ (1 − tổng tỷ lệ); làm tròn lên.",
                ]),
                ("callout", "warning", "Giá niêm yết và giá khuyến mãi",
                 "<p>Đừng nâng giá niêm yết rồi giảm giá ảo: sàn có thể phạt và người mua mất tin tưởng. Giá "
                 "niêm yết là giá bạn thực sự bán trong điều kiện bình thường.</p>"),
                ("cta", "choose_plan", "", ""),
            ],
        },
        "en": {
            "title": "Pricing on marketplaces: count every fee",
            "summary": "The fees marketplaces usually charge and how to price so you still make a profit.",
            "tags": ["pricing", "marketplace fees"],
            "body": [
                ("text", "<p>On each completed order a marketplace usually deducts a <b>category commission</b>, a "
                         "<b>payment fee</b>, <b>service fees</b> for programmes you join (free shipping, coin "
                         "cash-back, marketplace vouchers), and <b>withheld tax</b> for household and individual "
                         "sellers. Rates are published by each marketplace and change over time.</p>"),
                ("steps", "Pricing in 4 steps", [
                    "Work out the unit cost: ingredients, packaging, labour, waste.",
                    "Add packing and any share of shipping you pay.",
                    "Add up the marketplace fee and withheld tax rates from the current fee table.",
                    "Price = (cost + packing + margin) ÷ (1 − total rate); round up.",
                ]),
                ("callout", "warning", "List price and sale price",
                 "<p>Do not raise the list price to fake a discount: marketplaces penalise it and buyers stop "
                 "trusting you. The list price is what you really sell at in normal times.</p>"),
                ("cta", "choose_plan", "", ""),
            ],
        },
    },
    {
        "slug": "hoa-don-dien-tu",
        "facts": True,
        "vi": {
            "title": "Hóa đơn điện tử: ai phải dùng, dùng thế nào",
            "summary": "Doanh nghiệp và hộ kinh doanh doanh thu lớn phải xuất hóa đơn điện tử.",
            "tags": ["thuế", "hóa đơn"],
            "body": [
                ("text", "<p>Hóa đơn điện tử được quy định tại Nghị định 123/2020/NĐ-CP, sửa đổi bởi Nghị định "
                         "70/2025/NĐ-CP (hiệu lực 1/6/2025). Doanh nghiệp xuất hóa đơn cho mỗi lần bán. Hộ, cá nhân "
                         "kinh doanh có doanh thu năm từ 1 tỷ đồng trở lên và dùng máy tính tiền phải dùng hóa đơn "
                         "khởi tạo từ máy tính tiền, kết nối chuyển dữ liệu với cơ quan thuế.</p>"),
                ("steps", "Bắt đầu", [
                    "Chọn một nhà cung cấp dịch vụ hóa đơn điện tử được cơ quan thuế chấp nhận.",
                    "Đăng ký sử dụng hóa đơn điện tử trên cổng thông tin của cơ quan thuế (mẫu 01/ĐKTĐ-HĐĐT).",
                    "Khi cơ quan thuế chấp nhận, cài đặt mẫu hóa đơn và xuất thử.",
                    "Với đơn trên sàn, xuất hóa đơn khi người mua yêu cầu hoặc theo quy định cho từng trường hợp.",
                ]),
                ("callout", "tip", "Hỏi Thuế cơ sở",
                 "<p>Quy định về hóa đơn cho hộ kinh doanh đang thay đổi cùng việc bỏ thuế khoán; Thuế cơ sở nơi "
                 "bạn đăng ký hướng dẫn miễn phí.</p>"),
            ],
        },
        "en": {
            "title": "E-invoices: who must use them and how",
            "summary": "Enterprises and larger household businesses must issue e-invoices.",
            "tags": ["tax", "invoices"],
            "body": [
                ("text", "<p>E-invoices are governed by Decree 123/2020/ND-CP as amended by Decree 70/2025/ND-CP "
                         "(from 1 June 2025). Enterprises issue an invoice for every sale. Household and individual "
                         "businesses with yearly revenue of VND 1 billion or more that use a cash register must use "
                         "invoices generated from the cash register, with data sent to the tax authority.</p>"),
                ("steps", "Getting started", [
                    "Choose an e-invoice service provider accepted by the tax authority.",
                    "Register to use e-invoices on the tax authority's portal (form 01/DKTD-HDDT).",
                    "Once accepted, set up your invoice template and issue a test invoice.",
                    "For marketplace orders, issue an invoice when the buyer asks or as the rules require.",
                ]),
                ("callout", "tip", "Ask your local tax office",
                 "<p>The invoice rules for household businesses are changing along with the end of lump-sum tax; "
                 "your local tax office advises free of charge.</p>"),
            ],
        },
    },
    {
        "slug": "doi-tra-hang",
        "facts": False,
        "vi": {
            "title": "Xử lý đổi trả và khiếu nại",
            "summary": "Giảm tranh chấp bằng đóng gói có video, mô tả đúng và phản hồi nhanh.",
            "tags": ["đơn hàng", "đổi trả"],
            "body": [
                ("text", "<p>Phần lớn yêu cầu trả hàng đến từ ba nguyên nhân: hàng khác mô tả, hàng hư hỏng khi vận "
                         "chuyển, và giao sai phân loại. Cả ba đều phòng được.</p>"),
                ("steps", "Khi nhận yêu cầu trả hàng", [
                    "Đọc lý do và xem ảnh, video người mua gửi.",
                    "Đối chiếu với video đóng gói của đơn đó.",
                    "Đồng ý hoàn tiền nếu lỗi thuộc về bạn; nếu không, gửi bằng chứng cho sàn trước hạn.",
                    "Khi nhận lại hàng, kiểm tra và cập nhật tồn kho nếu còn bán được.",
                ]),
                ("callout", "tip", "Đóng gói nông sản, thực phẩm",
                 "<p>Dùng thùng carton có lỗ thoáng cho trái cây, lót giấy; ghi “Hàng dễ dập” trên thùng. Với hàng "
                 "khô, hút chân không và thêm gói hút ẩm.</p>"),
            ],
        },
        "en": {
            "title": "Handling returns and complaints",
            "summary": "Fewer disputes with filmed packing, accurate descriptions and quick replies.",
            "tags": ["orders", "returns"],
            "body": [
                ("text", "<p>Most return requests have three causes: the item differs from its description, it was "
                         "damaged in transit, or the wrong variant was sent. All three can be prevented.</p>"),
                ("steps", "When a return request arrives", [
                    "Read the reason and look at the buyer's photos and video.",
                    "Compare them with your packing video for that order.",
                    "Accept the refund if the fault is yours; otherwise send your evidence to the marketplace in "
                    "time.",
                    "When the goods come back, check them and update stock if they can be sold again.",
                ]),
                ("callout", "tip", "Packing produce and food",
                 "<p>Use ventilated cartons lined with paper for fruit and mark them “Fragile”. Vacuum-pack dried "
                 "goods and add a desiccant sachet.</p>"),
            ],
        },
    },
    {
        "slug": "du-lieu-ca-nhan-nguoi-mua",
        "facts": True,
        "vi": {
            "title": "Dữ liệu cá nhân của người mua: được làm gì, không được làm gì",
            "summary": "Luật Bảo vệ dữ liệu cá nhân 2025 áp dụng cho cả người bán nhỏ.",
            "tags": ["pháp lý", "dữ liệu cá nhân"],
            "body": [
                ("text", "<p>Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 có hiệu lực từ 1/1/2026, thay Nghị định "
                         "13/2023/NĐ-CP. Tên, số điện thoại, địa chỉ của người mua là dữ liệu cá nhân; việc mua bán "
                         "dữ liệu cá nhân bị cấm.</p>"),
                ("steps", "Thực hành tốt", [
                    "Chỉ dùng thông tin người mua để giao hàng, bảo hành và trả lời khiếu nại.",
                    "Không chụp màn hình đơn hàng có số điện thoại, địa chỉ để đăng lên mạng xã hội.",
                    "Chỉ nhắn tin quảng cáo khi người mua đã đồng ý nhận.",
                    "Xóa danh sách khách hàng in ra giấy khi không còn cần.",
                    "Nếu lộ dữ liệu (mất điện thoại, bị hack), báo sàn và làm theo hướng dẫn của cơ quan chức "
                    "năng; luật yêu cầu thông báo trong 72 giờ.",
                ]),
            ],
        },
        "en": {
            "title": "Buyers' personal data: what you may and may not do",
            "summary": "The 2025 Personal Data Protection Law applies to small sellers too.",
            "tags": ["legal", "personal data"],
            "body": [
                ("text", "<p>The Personal Data Protection Law 91/2025/QH15 has been in force since 1 January 2026, "
                         "replacing Decree 13/2023/ND-CP. A buyer's name, phone number and address are personal "
                         "data; buying and selling personal data is banned.</p>"),
                ("steps", "Good practice", [
                    "Use buyers' details only for delivery, warranty and answering complaints.",
                    "Never post screenshots of orders showing phone numbers or addresses on social media.",
                    "Send promotional messages only to buyers who agreed to receive them.",
                    "Destroy printed customer lists when no longer needed.",
                    "If data leaks (a lost phone, a hacked account), tell the marketplace and follow the "
                    "authorities' instructions; the law requires notification within 72 hours.",
                ]),
            ],
        },
    },
]

FAQS = [
    {
        "topic": "platform",
        "vi": ("Dùng nền tảng này có mất phí không?",
               "<p>Gói Miễn phí gồm hồ sơ, danh mục, hành trình hướng dẫn và một sàn kết nối. Các gói trả phí và "
               "voucher do tỉnh tài trợ được nêu ở mục Gói dịch vụ và thanh toán.</p>"),
        "en": ("Does the platform cost anything?",
               "<p>The Free plan covers the profile, the catalog, the guided journey and one connected "
               "marketplace. Paid plans and province-sponsored vouchers are described under Plan and billing.</p>"),
    },
    {
        "topic": "getting_started",
        "vi": ("Hộ kinh doanh có được tham gia không?",
               "<p>Có. Hộ kinh doanh đăng ký bằng số định danh cá nhân 12 số và dùng mọi tính năng như doanh "
               "nghiệp.</p>"),
        "en": ("Can household businesses join?",
               "<p>Yes. Household businesses register with their 12-digit personal identification number and "
               "use every feature enterprises do.</p>"),
    },
    {
        "topic": "getting_started",
        "vi": ("Vì sao một bước tự chuyển sang “đã xong”?",
               "<p>Nhiều bước được nền tảng kiểm tra từ dữ liệu của bạn, ví dụ khi bạn thêm sản phẩm đầu tiên có "
               "ảnh. Nếu bạn xóa sản phẩm đó, bước này lại thành chưa xong.</p>"),
        "en": ("Why did a step turn “done” by itself?",
               "<p>Many steps are checked by the platform from your own data, for example once you add a first "
               "product with a photo. Delete that product and the step is not done again.</p>"),
    },
    {
        "topic": "marketplaces",
        "vi": ("Nền tảng có biết mật khẩu gian hàng của tôi không?",
               "<p>Không. Bạn đăng nhập trên trang của sàn và cấp quyền; nền tảng chỉ nhận một mã truy cập được "
               "mã hóa, bạn có thể thu hồi bất cứ lúc nào.</p>"),
        "en": ("Does the platform know my shop password?",
               "<p>No. You sign in on the marketplace's own page and grant access; the platform only receives an "
               "encrypted access token that you can revoke at any time.</p>"),
    },
    {
        "topic": "legal",
        "vi": ("Bán trên sàn thì ai nộp thuế?",
               "<p>Với hộ, cá nhân kinh doanh, sàn có chức năng thanh toán khấu trừ và nộp thay thuế trên đơn "
               "thành công (Nghị định 117/2025/NĐ-CP). Doanh nghiệp tự kê khai như bình thường.</p>"),
        "en": ("Who pays tax on marketplace sales?",
               "<p>For household and individual sellers, marketplaces that handle payment withhold and pay the tax "
               "on completed orders (Decree 117/2025/ND-CP). Enterprises declare as usual.</p>"),
    },
    {
        "topic": "catalog",
        "vi": ("Tôi có hàng trăm sản phẩm, có phải nhập từng cái?",
               "<p>Không. Tải file Excel mẫu, điền mỗi dòng một biến thể, nén ảnh vào file .zip và nhập một lần. "
               "Nhập lại cùng file không tạo trùng.</p>"),
        "en": ("I have hundreds of products. Must I add them one by one?",
               "<p>No. Download the Excel template, one row per variant, zip your photos and import once. "
               "Importing the same file again creates no duplicates.</p>"),
    },
]

HOME = {
    "vi": {
        "body": (
            "<h2>Chương trình giúp gì cho bạn?</h2>"
            "<p>Tỉnh Đồng Tháp đặt mục tiêu hơn 55% doanh nghiệp nhỏ và vừa kinh doanh trên sàn thương mại điện "
            "tử và 100% sản phẩm OCOP được bán online. Nền tảng này giúp bạn đi từng bước: hoàn thiện hồ sơ, đưa "
            "sản phẩm lên một lần rồi đăng lên nhiều sàn, giữ tồn kho khớp giữa các sàn, và nhận hướng dẫn bằng "
            "tiếng Việt ở mỗi bước.</p>"
            "<ul><li>Hộ kinh doanh và doanh nghiệp đều tham gia được.</li>"
            "<li>Hành trình hướng dẫn tự ghi nhận tiến độ từ dữ liệu của bạn.</li>"
            "<li>Gói Miễn phí đủ để bắt đầu với một sàn; voucher do tỉnh tài trợ giúp dùng các gói cao hơn.</li>"
            "</ul>"
        ),
        "sections": [
            ("target", 55, 2025, "Doanh nghiệp nhỏ và vừa kinh doanh trên sàn thương mại điện tử",
             "Kế hoạch 241/KH-UBND ngày 6/7/2022 của UBND tỉnh Đồng Tháp"),
            ("share", "Hiện có bao nhiêu doanh nghiệp đang bán online?",
             "Tỷ lệ được tính từ dữ liệu thực của các gian hàng đã xác minh và sẽ hiển thị tại đây khi bảng "
             "theo dõi của Sở Công Thương được công bố."),
        ],
    },
    "en": {
        "title": "Bringing Đồng Tháp businesses onto e-commerce marketplaces",
        "intro": ("The province's programme helps small and medium businesses and household businesses bring their "
                  "products to Shopee, Lazada, TikTok Shop, Tiki and their own website: free, step by step, in "
                  "Vietnamese and English."),
        "call_to_action_label": "Register your business",
        "body": (
            "<h2>What the programme does for you</h2>"
            "<p>Đồng Tháp province aims for more than 55% of its small and medium businesses trading on e-commerce "
            "marketplaces and for every OCOP product to be sold online. This platform takes you step by step: "
            "complete your profile, enter your products once and publish them to several marketplaces, keep stock "
            "in step across them, and get guidance at every step.</p>"
            "<ul><li>Household businesses and enterprises can both join.</li>"
            "<li>The guided journey records your progress from your own data.</li>"
            "<li>The Free plan is enough to start on one marketplace; province-sponsored vouchers help with the "
            "larger plans.</li></ul>"
        ),
        "sections": [
            ("target", 55, 2025, "Small and medium businesses trading on e-commerce marketplaces",
             "Plan 241/KH-UBND of 6 July 2022, Đồng Tháp People's Committee"),
            ("share", "How many businesses sell online today?",
             "The share is computed from verified shops' real data and will show here once the Department of "
             "Industry and Trade's dashboard is published."),
        ],
    },
}
