"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

Eighteen characters from the 31-character set 0-9 A-Z without I, O, Z, S and V:

    1       registration authority (登记管理部门代码)
    2       kind of organisation (机构类别代码)
    3-8     GB/T 2260 division code of the registering authority (digits)
    9-17    organisation code (组织机构代码, GB 11714): eight characters and a check
            character at position 17 (0-9 or X)
    18      check character over positions 1-17 (GB 32100)

`check(code)` raises `USCCError` naming the position of the first fault.
"""
from __future__ import annotations

import re

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"          # 31 characters: no I, O, Z, S, V
_WEIGHTS_32100 = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, …
_WEIGHTS_11714 = [3, 7, 9, 10, 5, 8, 4, 2]


class USCCError(ValueError):
    """A code that is not a valid unified social credit code."""


def check_char_11714(body: str) -> str:
    """The GB 11714 check character of an organisation code's eight characters."""
    def value(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - ord("A") + 10
    c = 11 - sum(value(ch) * w for ch, w in zip(body, _WEIGHTS_11714)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def check_char_32100(first17: str) -> str:
    """The GB 32100 check character over the first seventeen characters."""
    c = 31 - sum(CHARSET.index(ch) * w for ch, w in zip(first17, _WEIGHTS_32100)) % 31
    return CHARSET[0 if c == 31 else c]


def check(code: str) -> str:
    """The code, if valid; else USCCError naming what is wrong and where (1-based position)."""
    if len(code) != 18:
        raise USCCError(f"{code!r}: a unified social credit code has 18 characters, not {len(code)}")
    for i, ch in enumerate(code, 1):
        if ch not in CHARSET:
            raise USCCError(f"{code!r}: position {i}: {ch!r} is not in the code's character set "
                            f"(0-9 and A-Z without I, O, Z, S, V)")
    if not code[2:8].isdigit():
        raise USCCError(f"{code!r}: positions 3-8 ({code[2:8]}) must be a six-digit division code")
    if not re.fullmatch(r"[0-9A-Z]{8}", code[8:16]):
        raise USCCError(f"{code!r}: positions 9-16 must be an organisation code")
    want = check_char_11714(code[8:16])
    if code[16] != want:
        raise USCCError(f"{code!r}: position 17: check character of the organisation code (GB 11714) "
                        f"is {want}, not {code[16]}")
    want = check_char_32100(code[:17])
    if code[17] != want:
        raise USCCError(f"{code!r}: position 18: check character (GB 32100) is {want}, not {code[17]}")
    return code


def is_valid(code: str) -> bool:
    try:
        check(code)
    except USCCError:
        return False
    return True
