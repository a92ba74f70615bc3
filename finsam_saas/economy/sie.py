"""SIE 4: the Swedish standard export of a bookkeeping (SIE-gruppen, "SIE filformat ver 4B").

Pure: `parse(content: bytes) -> SieFile`, no database and no request. A file is lines, each a
label (#FLAGGA, #RAR, #KONTO, #IB, #UB, #RES, #VER, #TRANS, …) and its fields, separated by
spaces or tabs; a field with spaces is quoted ("Kassa och bank", with \\" and \\\\ inside); an
object list is one field in braces ({1 "100" 6 "P1"}); a #VER is followed by a block
{ #TRANS … } of its transactions. Labels this product does not need (#ADRESS, #DIM, #OBJEKT,
#SRU, #OIB, #OUB, #PSALDO, #PBUDGET, …) are read past, as the format says a reader shall.

Amounts are kept exact (Decimal, kronor with öre as the file writes them) so that a #VER's
balance is checked to the öre; the import turns each account's figure into whole kronor with
`platform.rounding.kronor_from_text` (half up).

Every fault raises `InvalidInput` with a Swedish sentence that names the line ("Rad 14: #TRANS
utan belopp."): a file that is no SIE, a type that is not 4, a #TRANS without amount, an
amount that is none (1e400), a #VER that does not balance or never ends, a date that is none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from finsam_saas.platform.formatting import kronor_ore
from finsam_saas.platform.rounding import kronor_from_text
from finsam_saas.platform.rules import InvalidInput
from finsam_saas.platform.tables import shown


@dataclass(frozen=True)
class Transaction:
    """A #TRANS: the account, its amount in kronor (debit positive, credit negative, as SIE)."""

    account: str
    amount: Decimal
    objects: tuple[tuple[str, str], ...]
    day: date | None
    text: str
    line: int


@dataclass(frozen=True)
class Verification:
    """A #VER with its transactions (which add up to 0)."""

    series: str
    number: str
    day: date
    text: str
    transactions: tuple[Transaction, ...]
    line: int

    @property
    def label(self) -> str:
        return f"{self.series} {self.number}".strip()


@dataclass(frozen=True)
class Balance:
    """An #IB, #UB or #RES of the year 0 (the year the file is of): kronor, debit positive."""

    account: str
    amount: Decimal
    line: int


@dataclass(frozen=True)
class SieFile:
    encoding: str                                   # cp437 (#FORMAT PC8) or utf-8
    sie_type: str
    program: str = ""
    company: str = ""
    org_nr: str = ""
    years: dict[int, tuple[date, date, int]] = field(default_factory=dict)  # #RAR: årsnr -> (start, end, line)
    accounts: dict[str, str] = field(default_factory=dict)       # #KONTO: number -> name
    account_types: dict[str, str] = field(default_factory=dict)  # #KTYP: number -> T | S | K | I
    opening: dict[str, Balance] = field(default_factory=dict)    # #IB 0
    closing: dict[str, Balance] = field(default_factory=dict)    # #UB 0
    results: dict[str, Balance] = field(default_factory=dict)    # #RES 0
    verifications: tuple[Verification, ...] = ()

    @property
    def fiscal_year(self) -> tuple[date, date]:
        start, end, _line = self.years[0]
        return start, end


def decode(content: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read in: #FORMAT PC8 means CP437 (the format's
    default, from DOS); without it UTF-8, and CP437 again when the bytes are no UTF-8."""
    if re.search(rb"^[ \t]*#FORMAT[ \t]+\"?PC8\"?", content, re.MULTILINE):
        return content.decode("cp437"), "cp437"
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return content.decode("cp437"), "cp437"


def fields(text: str, number: int) -> list:
    """The fields of one line: strings, and object lists as lists of strings. A quoted field may
    hold spaces and the escapes \\" and \\\\. Raises InvalidInput for an unclosed quote or brace."""
    result: list = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char in " \t":
            index += 1
        elif char == "{":
            close = _object_list_end(text, index, number)
            result.append(fields(text[index + 1:close], number))
            index = close + 1
        elif char == "}":
            raise InvalidInput(f"Rad {number}: }} utan {{ före på raden.", {"file": f"rad {number}"})
        elif char == '"':
            value, index = _quoted(text, index + 1, number)
            result.append(value)
        else:
            end = index
            while end < length and text[end] not in ' \t{"':
                end += 1
            result.append(text[index:end])
            index = end
    return result


def _quoted(text: str, index: int, number: int) -> tuple[str, int]:
    out = []
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            out.append(text[index + 1])
            index += 2
        elif char == '"':
            return "".join(out), index + 1
        else:
            out.append(char)
            index += 1
    raise InvalidInput(f"Rad {number}: citattecknet som öppnar \"{''.join(out)[:30]}\" stängs aldrig.",
                       {"file": f"rad {number}"})


def _object_list_end(text: str, index: int, number: int) -> int:
    quoted = False
    position = index + 1
    while position < len(text):
        char = text[position]
        if char == "\\" and quoted:
            position += 2
            continue
        if char == '"':
            quoted = not quoted
        elif char == "}" and not quoted:
            return position
        position += 1
    raise InvalidInput(f"Rad {number}: objektlistan som börjar med {{ stängs aldrig med }}.", {"file": f"rad {number}"})


def amount(text, number: int, what: str) -> Decimal:
    """An amount as SIE writes it ("-1234.50"), exact. Raises InvalidInput naming the line for
    what is no amount, and for what no förbund has (1e400): the same bounds as kronor_from_text."""
    if not isinstance(text, str) or not text:
        raise InvalidInput(f"Rad {number}: {what} utan belopp.", {"file": f"rad {number}"})
    try:
        kronor_from_text(text)  # the one reading of an amount: refuses 1e400, NaN, "12 kr"
    except ValueError:
        raise InvalidInput(f"Rad {number}: \"{text}\" är inget belopp ({what}).", {"file": f"rad {number}"}) from None
    return Decimal(text.replace(",", "."))


def day(text, number: int, what: str, required: bool = True) -> date | None:
    """A date as SIE writes it (20210630)."""
    if not text:
        if required:
            raise InvalidInput(f"Rad {number}: {what} saknar datum.", {"file": f"rad {number}"})
        return None
    if not isinstance(text, str) or not re.fullmatch(r"\d{8}", text):
        raise InvalidInput(f"Rad {number}: \"{text}\" är inget datum ({what}, skrivs ÅÅÅÅMMDD).", {"file": f"rad {number}"})
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise InvalidInput(f"Rad {number}: \"{text}\" är inget datum ({what}).", {"file": f"rad {number}"}) from None


def account(text, number: int, what: str) -> str:
    if not isinstance(text, str) or not re.fullmatch(r"\d{1,10}", text):
        shown = text if isinstance(text, str) else "{…}"
        raise InvalidInput(f"Rad {number}: \"{shown}\" är inget kontonummer ({what}).", {"file": f"rad {number}"})
    return text


def _text(values: list, index: int) -> str:
    value = values[index] if index < len(values) else ""
    return value if isinstance(value, str) else ""


def _balance(values: list, number: int, label: str) -> tuple[int | None, Balance]:
    """#IB/#UB/#RES årsnr konto saldo: the year number and the balance."""
    if len(values) < 2:
        raise InvalidInput(f"Rad {number}: {label} utan konto.", {"file": f"rad {number}"})
    year = _year_number(values[0], number, label)
    number_ = account(values[1], number, label)
    return year, Balance(number_, amount(values[2] if len(values) > 2 else "", number, label), number)


def _year_number(text, number: int, label: str) -> int:
    if not isinstance(text, str) or not re.fullmatch(r"-?\d+", text):
        raise InvalidInput(f"Rad {number}: {label} ska börja med årsnummer (0 för året, -1 för året före).",
                           {"file": f"rad {number}"})
    return int(text)


def _objects(value) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        return ()
    return tuple((str(value[i]), str(value[i + 1])) for i in range(0, len(value) - 1, 2))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse(content: bytes) -> SieFile:
    """The SIE 4 file in `content`. Raises InvalidInput (Swedish, naming the line) for every fault;
    nothing is returned half-read."""
    text, encoding = decode(content)
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines, start=1) if line.strip()), None)
    if first is None:
        raise InvalidInput("Filen är tom.", {"file": "tom"})
    if not lines[first - 1].lstrip().startswith("#"):
        raise InvalidInput(f"Filen är ingen SIE-fil: rad {first} börjar inte med en post som #FLAGGA.",
                           {"file": "ingen SIE-fil"})
    data: dict = {"years": {}, "accounts": {}, "account_types": {}, "opening": {}, "closing": {}, "results": {}}
    verifications: list[Verification] = []
    seen: dict[tuple[str, str], int] = {}
    sie_type = None
    current: dict | None = None   # the #VER whose block is being read
    awaiting_block: dict | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if control := _CONTROL.search(line):
            # NUL and the other C0 controls are in no SIE file a program writes, and PostgreSQL stores no NUL.
            raise InvalidInput(f"Rad {number}: raden innehåller ett styrtecken ({shown(control.group())}) som inte kan "
                               "sparas. Exportera filen från bokföringen igen.", {"file": f"rad {number}"})
        if awaiting_block is not None:
            if line != "{":
                raise InvalidInput(f"Rad {number}: verifikationen {awaiting_block['label']} (rad {awaiting_block['line']}) "
                                   "ska följas av en rad med {.", {"file": f"rad {number}"})
            current, awaiting_block = awaiting_block, None
            continue
        if line == "}":
            if current is None:
                raise InvalidInput(f"Rad {number}: }} utan verifikation före.", {"file": f"rad {number}"})
            verifications.append(_close(current, number))
            current = None
            continue
        if line == "{":
            raise InvalidInput(f"Rad {number}: {{ utan #VER före.", {"file": f"rad {number}"})
        if not line.startswith("#"):
            raise InvalidInput(f"Rad {number}: raden börjar inte med en post (#…).", {"file": f"rad {number}"})
        match = re.match(r"(#\S*)(.*)", line)
        label, values = match[1].upper(), fields(match[2], number)
        if current is not None and label not in ("#TRANS", "#RTRANS", "#BTRANS"):
            raise InvalidInput(f"Rad {number}: verifikationen {current['label']} (rad {current['line']}) avslutas "
                               f"inte med }} före {label}.", {"file": f"rad {number}"})
        if label == "#TRANS":
            if current is None:
                raise InvalidInput(f"Rad {number}: #TRANS utanför en verifikation.", {"file": f"rad {number}"})
            if not values:
                raise InvalidInput(f"Rad {number}: #TRANS utan konto.", {"file": f"rad {number}"})
            # #TRANS kontonr {objektlista} belopp transdat transtext; the list is "{}" when empty, and
            # a program that leaves it out altogether is still read.
            rest = values[2:] if len(values) > 1 and isinstance(values[1], list) else values[1:]
            current["transactions"].append(Transaction(
                account=account(values[0], number, "#TRANS"), objects=_objects(values[1] if len(values) > 1 else None),
                amount=amount(rest[0] if rest else "", number, "#TRANS"),
                day=day(_text(rest, 1), number, "#TRANS", required=False), text=_text(rest, 2), line=number))
        elif label in ("#RTRANS", "#BTRANS"):
            # A removed (#BTRANS) or added (#RTRANS) transaction of a corrected ver: the added one
            # is repeated as a #TRANS on the next line for readers like this one, so both are passed.
            if current is None:
                raise InvalidInput(f"Rad {number}: {label} utanför en verifikation.", {"file": f"rad {number}"})
        elif label == "#VER":
            series, ver_number = _text(values, 0), _text(values, 1)
            ver_label = f"{series} {ver_number}".strip() or "utan nummer"
            if ver_number and (series, ver_number) in seen:
                raise InvalidInput(f"Rad {number}: verifikationen {ver_label} finns redan på rad {seen[(series, ver_number)]}.",
                                   {"file": f"rad {number}"})
            seen[(series, ver_number)] = number
            awaiting_block = {"series": series, "number": ver_number, "label": ver_label, "line": number,
                              "day": day(_text(values, 2), number, f"#VER {ver_label}"), "text": _text(values, 3),
                              "transactions": []}
        elif label == "#SIETYP":
            sie_type = _text(values, 0)
            if sie_type != "4":
                raise InvalidInput(f"Rad {number}: filen är SIE typ {sie_type or '?'}, som saknar verifikationer. "
                                   "Exportera SIE typ 4 från bokföringen.", {"file": "fel SIE-typ"})
        elif label == "#PROGRAM":
            data["program"] = " ".join(v for v in values if isinstance(v, str))
        elif label == "#FNAMN":
            data["company"] = _text(values, 0)
        elif label == "#ORGNR":
            data["org_nr"] = _text(values, 0)
        elif label == "#RAR":
            if len(values) < 3:
                raise InvalidInput(f"Rad {number}: #RAR ska ha årsnummer, startdatum och slutdatum.", {"file": f"rad {number}"})
            year = _year_number(values[0], number, "#RAR")
            start, end = day(values[1], number, "#RAR"), day(values[2], number, "#RAR")
            if end < start:
                raise InvalidInput(f"Rad {number}: räkenskapsåret slutar före det börjar.", {"file": f"rad {number}"})
            data["years"][year] = (start, end, number)
        elif label == "#KONTO":
            data["accounts"][account(values[0] if values else "", number, "#KONTO")] = _text(values, 1)
        elif label == "#KTYP":
            data["account_types"][account(values[0] if values else "", number, "#KTYP")] = _text(values, 1).upper()
        elif label in ("#IB", "#UB", "#RES"):
            year, balance = _balance(values, number, label)
            if year == 0:
                target = {"#IB": "opening", "#UB": "closing", "#RES": "results"}[label]
                if balance.account in data[target]:
                    raise InvalidInput(f"Rad {number}: {label} för konto {balance.account} finns redan på rad "
                                       f"{data[target][balance.account].line}.", {"file": f"rad {number}"})
                data[target][balance.account] = balance
        # every other label is read past
    if awaiting_block is not None:
        raise InvalidInput(f"Rad {awaiting_block['line']}: verifikationen {awaiting_block['label']} har inget block {{ … }}.",
                           {"file": f"rad {awaiting_block['line']}"})
    if current is not None:
        raise InvalidInput(f"Rad {current['line']}: verifikationen {current['label']} avslutas aldrig med }}.",
                           {"file": f"rad {current['line']}"})
    if sie_type is None:
        raise InvalidInput("Filen saknar #SIETYP: den är ingen SIE 4-fil.", {"file": "ingen SIE-fil"})
    if 0 not in data["years"]:
        raise InvalidInput("Filen saknar #RAR 0, räkenskapsåret den gäller.", {"file": "#RAR saknas"})
    start, end, rar_line = data["years"][0]
    for ver in verifications:
        if not start <= ver.day <= end:
            raise InvalidInput(f"Rad {ver.line}: verifikationen {ver.label} är daterad {ver.day.isoformat()}, utanför "
                               f"räkenskapsåret {start.isoformat()}–{end.isoformat()} (#RAR 0 på rad {rar_line}).",
                               {"file": f"rad {ver.line}"})
    return SieFile(encoding=encoding, sie_type=sie_type, verifications=tuple(verifications), **data)


def _close(current: dict, number: int) -> Verification:
    total = sum((t.amount for t in current["transactions"]), Decimal(0))
    if total != 0:
        raise InvalidInput(f"Rad {current['line']}: verifikationen {current['label']} är inte i balans: "
                           f"transaktionerna summerar till {kronor_ore(total)} kr, inte 0.",
                           {"file": f"rad {current['line']}"})
    return Verification(series=current["series"], number=current["number"], day=current["day"], text=current["text"],
                        transactions=tuple(current["transactions"]), line=current["line"])
