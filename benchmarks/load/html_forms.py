"""What a browser sends when a form is submitted, read from a page's HTML (for the load scenario; no Locust
import here, so it can be tried on its own)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Form(HTMLParser):
    """The fields of the first POST form whose action contains ``action`` (without it: the first POST form that
    posts to its own page, not the header's language switch), as a browser would send them: inputs (checked boxes only), selected options, text areas."""

    def __init__(self, action: str = ""):
        super().__init__()
        self.action, self.fields, self._in, self._done = action, [], False, False
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self._done and a.get("method", "").lower() == "post":
            target = a.get("action") or ""
            self._in = (self.action in target) if self.action else not target
        if not self._in:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("file", "submit", "button", "image"):
                return
            self.fields.append((name, a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a and not self._select_chosen:
                self.fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if not self._in:
            return
        if tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text))
            self._textarea = None
        elif tag == "form":
            self._in, self._done = False, True


def form_fields(html: str, action: str = "") -> list[tuple[str, str]]:
    parser = _Form(action)
    parser.feed(html)
    return parser.fields
