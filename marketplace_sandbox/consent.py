"""The sandbox consent page every simulator shows when an owner connects a shop (the real one is the
marketplace's seller login). One page for all of them: readable on a phone, labelled fields, large
buttons; it says plainly that it is a local test environment. The sandbox serves its own origin, so its
small stylesheet is inline."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

STYLE = """
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,
sans-serif;line-height:1.5;color:#1b1f23;background:#f4f5f7}main{max-width:28rem;margin:0 auto;padding:1.25rem 1rem}
h1{font-size:1.4rem;margin:.25rem 0 .75rem}.brand{display:inline-block;font-weight:700;color:#fff;
background:var(--brand);border-radius:8px;padding:.2rem .6rem}.note{background:#fff5e0;border-left:4px solid #8a5a00;
padding:.5rem .75rem;border-radius:6px}.card{background:#fff;border:1px solid #d5ddd9;border-radius:10px;
padding:1rem;margin:1rem 0}label{display:block;font-weight:600;margin-bottom:.25rem}select{width:100%;font:inherit;
min-height:44px;padding:.5rem;border:1px solid #8a9691;border-radius:8px;background:#fff;margin-bottom:1rem}
.buttons{display:flex;flex-wrap:wrap;gap:.5rem}button{font:inherit;font-weight:600;min-height:44px;
padding:.6rem 1.1rem;border-radius:8px;border:1px solid var(--brand);cursor:pointer}
button.approve{background:var(--brand);color:#fff}button.deny{background:#fff;color:#1b1f23;border-color:#8a9691}
button:focus-visible,select:focus-visible{outline:3px solid #ffb300;outline-offset:2px}
"""


def consent_page(*, marketplace: str, brand_color: str, intro: str, action: str, hidden: Mapping[str, str],
                 select_name: str, select_id: str, options: Iterable[tuple[str, str]], approve_label: str,
                 deny_label: str = "", decision_name: str = "decision") -> bytes:
    """The HTML of the consent page: ``options`` are the sandbox's shops as (value, label); the form posts
    ``hidden``, the chosen shop and, when ``decision_name``, the decision ("approve" or "deny")."""
    e = html.escape
    fields = "".join(f'<input type="hidden" name="{e(k)}" value="{e(v)}">' for k, v in hidden.items())
    choices = "".join(f'<option value="{e(v)}">{e(label)}</option>' for v, label in options)
    approve = (f'<button type="submit" class="approve" name="{e(decision_name)}" value="approve">{e(approve_label)}'
               "</button>" if decision_name else f'<button type="submit" class="approve">{e(approve_label)}</button>')
    deny = (f'<button type="submit" class="deny" name="{e(decision_name)}" value="deny">{e(deny_label)}</button>'
            if deny_label and decision_name else "")
    page = f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(marketplace)} Sandbox – Ủy quyền</title><style>:root{{--brand:{e(brand_color)}}}{STYLE}</style></head>
<body><main><p class="brand">{e(marketplace)} Sandbox</p><h1>Ủy quyền cho ứng dụng</h1>
<p>{e(intro)}</p>
<p class="note">Đây là môi trường thử nghiệm cục bộ, không phải {e(marketplace)} thật.</p>
<form method="post" action="{e(action)}" class="card">{fields}
<label for="{e(select_id)}">Shop</label><select id="{e(select_id)}" name="{e(select_name)}">{choices}</select>
<div class="buttons">{approve}{deny}</div></form></main></body></html>"""
    return page.encode()
