"""Prefill providers used by the tests (stand-ins for the officers' register)."""


def nothing(identifier: str):
    return None


def register_lookup(identifier: str):
    if identifier != "0109527605":
        return None
    return {"legal_form": "llc_one_member", "legal_name": "Công ty TNHH Xoài Cao Lãnh", "ward_code": "29869",
            "unknown_key": "ignored"}
