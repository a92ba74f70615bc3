"""The SIE 4 parser, on files written by hand in the format's own layout (SIE 4B): CP437 and
UTF-8, quoted names with escapes, object lists, corrected verifications, and every fault a
Swedish error naming its line."""
from datetime import date
from decimal import Decimal

import pytest

from finsam_saas.economy import sie
from finsam_saas.platform.rules import InvalidInput

# Samordningsförbundet Uppsala län, delår 2021 (seed 003): the balances of 2021-06-30 and the
# period's result 782 380 kr come out of these verifications; one more in July (A 14), which the
# file's #UB and #RES include.
UPPSALA_2021 = r'''#FLAGGA 0
#PROGRAM "Visma Administration" 2021.1
#FORMAT PC8
#GEN 20210705 "Ekonom"
#SIETYP 4
#FNAMN "Samordningsförbundet Uppsala län"
#ORGNR 222000-2576
#RAR 0 20210101 20211231
#RAR -1 20200101 20201231
#KPTYP "Kommun-Bas"
#KONTO 1220 "Inventarier"
#KTYP 1220 T
#KONTO 1510 "Kortfristiga fordringar"
#KONTO 1790 "Interimsfordringar"
#KONTO 1810 "Nordea Institutionell kortränta"
#KONTO 1930 "Plusgirokonto"
#KONTO 2010 "Bunden reservfond"
#KONTO 2020 "Överskott från tidigare år"
#KONTO 2030 "Redovisat resultat fg år"
#KONTO 2440 "Leverantörsskulder"
#KONTO 2710 "Personalens källskatt"
#KONTO 2990 "Interimsskulder"
#KONTO 3010 "Medlemsavgifter"
#KONTO 3990 "Öres- och kronutjämning"
#KONTO 4510 "Framsteget, Håbo"
#KONTO 4520 "Övriga samverkansinsatser"
#KONTO 4530 "Bryggan, Östhammar"
#KONTO 5010 "Arvoden till ledamöter"
#KONTO 5020 "Lön tjänstemän"
#KONTO 6110 "Lokalhyra"
#KONTO 6400 "Övriga driftskostnader \"kontor\""
#KONTO 7830 "Avskrivningar inventarier"
#KONTO 8310 "Realiserade vinster kortränta"
#KONTO 8410 "Räntekostnader skattekonto"
#DIM 1 "Kostnadsställe"
#OBJEKT 1 "HABO" "Håbo"
#IB 0 1220 10568.00
#IB 0 1510 72223.00
#IB 0 1790 39938.00
#IB 0 1810 7803887.00
#IB 0 1930 3544683.00
#IB 0 2010 -1000000.00
#IB 0 2020 -6183677.00
#IB 0 2030 1059705.00
#IB 0 2440 -4680953.00
#IB 0 2710 -291569.00
#IB 0 2990 -374805.00
#IB -1 1930 13030385.00
#UB 0 1220 5284.00
#UB 0 1510 28008.00
#UB 0 1790 24021.00
#UB 0 1810 5807909.00
#UB 0 1930 11998893.00
#UB 0 2010 -1000000.00
#UB 0 2020 -6183677.00
#UB 0 2030 1059705.00
#UB 0 2440 -4337341.00
#UB 0 2710 -257781.00
#UB 0 2990 -6372641.00
#OUB 0 1930 {1 "HABO"} 0.00
#RES 0 3010 -11545000.00
#RES 0 3990 -2.00
#RES 0 4510 1218839.00
#RES 0 4520 5870342.00
#RES 0 4530 865078.00
#RES 0 5010 130937.00
#RES 0 5020 2293064.00
#RES 0 6110 111842.00
#RES 0 6400 280983.00
#RES 0 7830 5284.00
#RES 0 8310 -4022.00
#RES 0 8410 275.00
#PSALDO 0 202106 3010 {} -11545000.00
#VER A 1 20210115 "Medlemsavgifter första halvåret" 20210116
{
   #TRANS 1930 {} 11545000.00 20210115 "Inbetalning"
   #TRANS 3010 {} -11545000.00
}
#VER A 2 20210131 "Öresutjämning"
{
   #TRANS 1930 {} 2.00
   #TRANS 3990 {} -2.00
}
#VER A 3 20210331 "Framsteget kv 1"
{
   #TRANS 4510 {1 "HABO"} 1218839.00 20210331 "Rekvisition kv 1"
   #TRANS 2440 {} -1218839.00
}
#VER A 4 20210415 "Insatser"
{
   #TRANS 4520 {} 5870342.00
   #TRANS 4530 {} 865078.00
   #TRANS 2440 {} -6735420.00
}
#VER A 5 20210425 "Arvoden och löner"
{
   #TRANS 5010 {} 130937.00
   #TRANS 5020 {} 2293064.00
   #TRANS 2710 {} -2424001.00
}
#VER A 6 20210430 "Lokaler och drift"
{
   #TRANS 6110 {} 111842.00
   #TRANS 6400 {} 270983.00
   #TRANS 2440 {} -382825.00
}
#VER A 7 20210520 "Betalning leverantörer"
{
   #TRANS 2440 {} 8680696.00
   #TRANS 1930 {} -8680696.00
}
#VER A 8 20210525 "Löner och skatter"
{
   #TRANS 2710 {} 2457789.00
   #TRANS 1930 {} -2457789.00
}
#VER A 9 20210601 "Uttag från placering"
{
   #TRANS 1930 {} 2000000.00
   #TRANS 1810 {} -2000000.00
}
#VER A 10 20210610 "Inbetalda fordringar"
{
   #TRANS 1930 {} 60132.00
   #BTRANS 1510 {} -40000.00 20210610 "Fel belopp" 0 "Ekonom"
   #RTRANS 1510 {} -44215.00 20210610 "Rätt belopp" 0 "Ekonom"
   #TRANS 1510 {} -44215.00 20210610 "Rätt belopp"
   #TRANS 1790 {} -15917.00
}
#VER A 11 20210630 "Förskott medlemsavgifter andra halvåret"
{
   #TRANS 1930 {} 5997836.00
   #TRANS 2990 {} -5997836.00
}
#VER A 12 20210630 "Avskrivning"
{
   #TRANS 7830 {} 5284.00
   #TRANS 1220 {} -5284.00
}
#VER A 13 20210630 "Ränta"
{
   #TRANS 1810 {} 4022.00
   #TRANS 8310 {} -4022.00
   #TRANS 8410 {} 275.00
   #TRANS 1930 {} -275.00
}
#VER A 14 20210705 "Julikostnad"
{
   #TRANS 6400 {} 10000.00
   #TRANS 1930 {} -10000.00
}
'''


def uppsala_sie(encoding: str = "cp437", text: str = UPPSALA_2021) -> bytes:
    """The file as the bookkeeping writes it: CRLF, CP437 under #FORMAT PC8."""
    return text.replace("\n", "\r\n").encode(encoding)


def line_of(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if line.strip().startswith(start))


def test_a_pc8_file_is_read_with_its_names_balances_and_verifications():
    parsed = sie.parse(uppsala_sie())
    assert parsed.encoding == "cp437"
    assert parsed.company == "Samordningsförbundet Uppsala län" and parsed.org_nr == "222000-2576"
    assert parsed.program == "Visma Administration 2021.1"
    assert parsed.fiscal_year == (date(2021, 1, 1), date(2021, 12, 31))
    assert parsed.accounts["2020"] == "Överskott från tidigare år"
    assert parsed.accounts["6400"] == 'Övriga driftskostnader "kontor"'  # the escaped quotes
    assert parsed.opening["1930"].amount == Decimal("3544683.00")  # #IB -1 is the year before: not this
    assert parsed.closing["2990"].amount == Decimal("-6372641.00")
    assert parsed.results["3010"].amount == Decimal("-11545000.00")
    assert len(parsed.verifications) == 14
    first = parsed.verifications[0]
    assert (first.label, first.day, first.text) == ("A 1", date(2021, 1, 15), "Medlemsavgifter första halvåret")
    assert first.transactions[0].text == "Inbetalning" and first.transactions[0].day == date(2021, 1, 15)
    framsteget = parsed.verifications[2].transactions[0]
    assert framsteget.objects == (("1", "HABO"),) and framsteget.amount == Decimal("1218839.00")
    # The corrected ver: the removed (#BTRANS) and added (#RTRANS) rows are passed; its #TRANS count.
    corrected = parsed.verifications[9]
    assert [t.amount for t in corrected.transactions] == [Decimal("60132.00"), Decimal("-44215.00"), Decimal("-15917.00")]


def test_utf8_without_format_and_cp437_without_format_both_read():
    text = UPPSALA_2021.replace("#FORMAT PC8\n", "")
    assert sie.parse(uppsala_sie("utf-8", text)).accounts["4530"] == "Bryggan, Östhammar"
    # No #FORMAT and no UTF-8: the bytes are CP437 (the format's own default).
    fallback = sie.parse(uppsala_sie("cp437", text))
    assert fallback.encoding == "cp437" and fallback.accounts["4530"] == "Bryggan, Östhammar"


def _error(text: str) -> str:
    with pytest.raises(InvalidInput) as caught:
        sie.parse(uppsala_sie("cp437", text))
    return caught.value.message


def test_a_trans_without_amount_names_its_line():
    text = UPPSALA_2021.replace('#TRANS 4530 {} 865078.00', '#TRANS 4530 {}')
    assert _error(text) == f"Rad {line_of(text, '#TRANS 4530')}: #TRANS utan belopp."


def test_an_unbalanced_verification_names_its_line_and_the_difference():
    text = UPPSALA_2021.replace('#TRANS 5020 {} 2293064.00', '#TRANS 5020 {} 2293064.50')
    assert _error(text) == (f"Rad {line_of(text, '#VER A 5 ')}: verifikationen A 5 är inte i balans: "
                            "transaktionerna summerar till 0,50 kr, inte 0.")


def test_the_difference_of_an_unbalanced_verification_is_written_with_spaces_between_thousands():
    text = UPPSALA_2021.replace('#TRANS 5020 {} 2293064.00', '#TRANS 5020 {} 2294064.00')
    assert _error(text).endswith("transaktionerna summerar till 1 000,00 kr, inte 0.")
    text = UPPSALA_2021.replace('#TRANS 5020 {} 2293064.00', '#TRANS 5020 {} -1000000.25')
    assert _error(text).endswith("transaktionerna summerar till -3 293 064,25 kr, inte 0.")


def test_kronor_with_ore_as_a_message_writes_them():
    from decimal import Decimal
    from fractions import Fraction

    from finsam_saas.platform.formatting import kronor_ore

    assert kronor_ore(Decimal("1000.00")) == "1 000,00"
    assert kronor_ore(Decimal("0.5")) == "0,50"
    assert kronor_ore(Decimal("-1234567.891")) == "-1 234 567,89"
    assert kronor_ore(Decimal("0.005")) == "0,01" and kronor_ore(Decimal("-0.005")) == "-0,01"  # half away from 0
    assert kronor_ore(2_293_064) == "2 293 064,00" and kronor_ore(Fraction(1, 3)) == "0,33"
    assert kronor_ore(0.1 + 0.2) == "0,30" and kronor_ore(None) == "–"


def test_an_amount_no_forbund_has_is_refused_with_its_line():
    text = UPPSALA_2021.replace('#TRANS 6110 {} 111842.00', '#TRANS 6110 {} 1e400')
    assert _error(text) == f"Rad {line_of(text, '#TRANS 6110')}: \"1e400\" är inget belopp (#TRANS)."
    text = UPPSALA_2021.replace('#IB 0 1220 10568.00', '#IB 0 1220 tiotusen')
    assert _error(text) == f"Rad {line_of(text, '#IB 0 1220')}: \"tiotusen\" är inget belopp (#IB)."


def test_a_file_that_is_no_sie_is_refused():
    assert "ingen SIE-fil" in _error("Sektion;Rad;Utfall\nKansli;Lön;100\n")
    with pytest.raises(InvalidInput, match="Filen är tom"):
        sie.parse(b"\r\n  \r\n")
    with pytest.raises(InvalidInput, match="ingen SIE-fil: rad 1"):
        sie.parse(b"PK\x03\x04\x14\x00 an xlsx file")
    assert _error(UPPSALA_2021.replace("#SIETYP 4", "#SIETYP 2")).startswith(
        f"Rad {line_of(UPPSALA_2021, '#SIETYP')}: filen är SIE typ 2, som saknar verifikationer.")
    assert _error(UPPSALA_2021.replace("#SIETYP 4\n", "")) == "Filen saknar #SIETYP: den är ingen SIE 4-fil."
    assert _error(UPPSALA_2021.replace("#RAR 0 20210101 20211231\n", "")) == "Filen saknar #RAR 0, räkenskapsåret den gäller."


def test_broken_blocks_and_dates_name_their_lines():
    text = UPPSALA_2021.replace('#VER A 14 20210705 "Julikostnad"\n{\n   #TRANS 6400 {} 10000.00\n   #TRANS 1930 {} -10000.00\n}\n',
                                '#VER A 14 20210705 "Julikostnad"\n{\n   #TRANS 6400 {} 10000.00\n   #TRANS 1930 {} -10000.00\n')
    assert _error(text) == f"Rad {line_of(text, '#VER A 14')}: verifikationen A 14 avslutas aldrig med }}."
    text = UPPSALA_2021.replace('#VER A 2 20210131', '#VER A 2 20210231')
    assert _error(text) == f"Rad {line_of(text, '#VER A 2 ')}: \"20210231\" är inget datum (#VER A 2)."
    text = UPPSALA_2021.replace('#VER A 14 20210705', '#VER A 14 20220105')
    assert _error(text).startswith(f"Rad {line_of(text, '#VER A 14')}: verifikationen A 14 är daterad 2022-01-05, "
                                   "utanför räkenskapsåret 2021-01-01–2021-12-31")
    text = UPPSALA_2021.replace('#VER A 14', '#VER A 13')
    assert _error(text) == f"Rad {line_of(text, '#VER A 13 20210705')}: verifikationen A 13 finns redan på rad {line_of(text, '#VER A 13')}."
    text = UPPSALA_2021.replace('#KONTO 1790 "Interimsfordringar"', '#KONTO 1790 "Interimsfordringar')
    assert _error(text).startswith(f"Rad {line_of(text, '#KONTO 1790')}: citattecknet")
    text = UPPSALA_2021.replace('#TRANS 1930 {} 2.00', '#TRANS 1930 2.00').replace('#TRANS 3990 {} -2.00', '#TRANS 39X0 {} -2.00')
    assert _error(text) == f"Rad {line_of(text, '#TRANS 39X0')}: \"39X0\" är inget kontonummer (#TRANS)."
    text = UPPSALA_2021.replace('#TRANS 1930 {} 2.00\n', '').replace('#VER A 2 20210131 "Öresutjämning"\n{\n', '')
    assert _error(text).startswith(f"Rad {line_of(text, '#TRANS 3990')}: #TRANS utanför en verifikation")


def test_fields_are_split_as_the_format_says():
    assert sie.fields(r' 1930 {1 "100" 6 "P 1"} -12.50 20210101 "Text med \"citat\" och \\"', 1) == [
        "1930", ["1", "100", "6", "P 1"], "-12.50", "20210101", 'Text med "citat" och \\']
    assert sie.fields('\t1510\t{}\t-1.00', 3) == ["1510", [], "-1.00"]
