"""Demo budgets and fees from the seed papers: Umeåregionen's budget 2021–2023 (seed 000) and its
internkontrollplan 2023 (seed 004), Uppsala län's fees 2021 (Not 2) and its budgets 2022–2024 that
give its decision room (seed 003). Idempotent: a year that has a budget or a plan is left alone."""
from __future__ import annotations

from datetime import date

from finsam_saas.economy import internal_control, services
from finsam_saas.insatser import demo as insats_demo

# (section, name, 2021, 2022, 2023) in tkr as seed 000 prints them
UMEA_LINES = [
    ("income", "Försäkringskassan", 5690, 5690, 5690),
    ("income", "Umeå kommun", 2359, 2353, 2353),
    ("income", "Vännäs kommun", 146, 148, 148),
    ("income", "Nordmalings kommun", 113, 114, 114),
    ("income", "Vindelns kommun", 83, 85, 85),
    ("income", "Robertsfors kommun", 106, 108, 108),
    ("income", "Bjurholms kommun", 37, 37, 37),
    ("income", "Region Västerbotten", 2845, 2845, 2845),
    ("income", "Anställningsstöd, AF", 110, 113, 116),
    ("board", "Arvoden till styrelsen", 200, 205, 210),
    ("board", "Arvoden till revisorer", 50, 55, 60),
    ("administration", "Kanslipersonal", 1580, 1620, 1660),
    ("administration", "Ekonomihantering", 370, 375, 380),
    ("administration", "Lokalhyra", 85, 90, 95),
    ("administration", "Konferens och utbildning", 55, 55, 55),
    ("administration", "Resor och logi", 55, 55, 55),
    ("administration", "Övrigt kontor och adm.", 125, 140, 155),
    ("operations", "Social redovisning", 35, 25, 0),
    ("operations", "Hemsidor", 40, 25, 25),
    ("operations", "Analys", 150, 50, 50),
    ("operations", "Kompetensutveckling och mötesplatser", 260, 350, 450),
    ("insatser", "Vännäs", 420, 430, 440),
    ("insatser", "Nordmaling", 420, 430, 440),
    ("insatser", "Vindeln", 420, 430, 440),
    ("insatser", "Robertsfors", 420, 430, 440),
    ("insatser", "Bjurholm", 420, 430, 440),
    ("insatser", "Ungdomstorget", 3200, 2800, 2700),
    ("insatser", "De sammanhållna insatserna för unga", 950, 800, 700),
    ("insatser", "Vuxentorget", 2625, 2400, 2300),
    ("insatser", "Insats NAFS", 395, 400, 410),
    ("insatser", "Processledare integration", 310, 0, 0),
    ("insatser", "Reserv HFE", 50, 0, 0),
]

# Not 2: each kommun's fee 2021; the fees are proportional to the working-age population.
UPPSALA_FEES_2021 = {
    "Enköpings kommun": 686_853, "Heby kommun": 208_959, "Håbo kommun": 326_677, "Knivsta kommun": 283_660,
    "Tierps kommun": 317_500, "Uppsala kommun": 3_476_878, "Älvkarleby kommun": 141_577, "Östhammars kommun": 330_396,
}


def umea_budget_lines(column: int) -> list[dict]:
    return [{"section": s, "name": n, "amount": values[column] * 1000}
            for s, n, *values in UMEA_LINES if values[column]]


# Umeåregionen's internkontrollplan, "Fastställdes av styrelsen 2023-03-17" (seed 004): process,
# kontrollmoment, ansvarig, metod, frekvens, rapport till styrelsen, konsekvens and sannolikhet (1–5).
REPORTS = "Vid delårs och/eller årsrapporter"
UMEA_CONTROLS_2023 = [
    ("Styrelsens interna kontroll", "Förbundets styrdokument är aktuella", "Förbundschef",
     "Genomgång/kontroll av styrdokument", "1 ggr/år", REPORTS, 2, 2),
    ("Att kvalitetssäkring sker", "Insamlande av rapporter från finansierade insatser", "Förbundschef",
     "Totalundersökning av alla återrapporter", "3 ggr/år", REPORTS, 4, 2),
    ("Att delaktighet och styrning sker från projektägarna och medlemmarna i förbundet",
     "Insamlande av rapporter hur ledning och styrning sker, samt vilka representanter som sitter med",
     "Förbundschef", "Totalundersökning av alla aktuella insatser som har styrgrupper", "1 ggr/år", REPORTS, 3, 3),
    ("Förbundet följer GDPR", "Kontroll av rutiner på kansliet", "Förbundschef", "Avstämning med dataskyddsombud",
     "1 ggr/år", REPORTS, 2, 2),
    ("Inköp och upphandling", "Kontroll av efterlevnad av rutiner", "Förbundschef",
     "Avstämning av genomförda inköp och upphandlingar", "1 ggr/år", REPORTS, 2, 2),
    ("Protokoll", "Dokumentera styrelsens sammanträden", "Förbundschef", "Dokumentera", "Löpande",
     "Vid alla styrelsemöten", 4, 2),
    ("Ekonomi", "Budget i balans", "Styrelsen", "Ekonomisk rapport: kostnader i förhållande till budget, prognos "
     "utfall, tertial och helår", "4 ggr/år", REPORTS, 4, 3),
    ("Rekvirering från finansierade verksamheter, fakturering av förbundet",
     "Avstämning vid rekvirering, samt följa rutiner som är framtagna", "Förbundschef",
     "Jämförelse med budget och bifogade underlag", "3 ggr/år", REPORTS, 4, 2),
    ("Moms och skatt", "Redovisning av moms och skatt till Skatteverket", "Förbundschef", "Enligt underlag",
     "Löpande", REPORTS, 4, 2),
    ("Verksamhetsplan", "Verksamhetsplan/lokal överenskommelse mellan samordningsförbundets medlemmar", "Styrelsen",
     "Framtagande och revidering enligt årshjul", "1 ggr/år", "Styrelsens sammanträde i november", 4, 2),
    ("Förbundets mål i verksamhetsplan uppnås", "Sammanställning i årsredovisning", "Förbundschef",
     "Löpande uppföljning", "2 ggr/år", REPORTS, 3, 3),
    ("Analysarbete", "Analysera och sammanställa SCB:s helårsekvivalenter samt statistik från medlemmarna",
     "Förbundschef", "Tvärorganisatorisk statistikinhämtning", "Löpande", "Löpande", 3, 3),
    ("Juridiska frågor i samverkan klargörs", "Att bistå medlemmarna i koordinering av dokument och rutiner",
     "Förbundschef", "Tvärorganisatoriskt arbete", "1 ggr/år", REPORTS, 4, 3),
]


def load_umea_controls() -> None:
    if internal_control.controls_of(2023):
        return
    for process, control, owner, method, frequency, report_to, consequence, probability in UMEA_CONTROLS_2023:
        internal_control.add_control(year=2023, process=process, control=control, owner=owner, method=method,
                                     frequency=frequency, report_to=report_to, consequence=consequence,
                                     probability=probability)
    internal_control.adopt(2023, on=date(2023, 3, 17), by="Styrelsen fastställde planen")


def load_umearegionen() -> None:
    for column, year in enumerate((2021, 2022, 2023)):
        if services.current_budget(year) is None:
            services.put_budget(year, umea_budget_lines(column), 2_040_000 if year == 2021 else None)


# Seed 003's decision room in tkr: fees, förtroendevalda, förvaltning per year, and the övriga
# samverkansinsatser (budget lines that are no insats of their own).
UPPSALA_BUDGET = {2022: (23_090, 700, 4_400), 2023: (22_770, 700, 4_400), 2024: (22_770, 700, 4_450)}
UPPSALA_OTHER_INSATSER = [("Ekonom projektstöd", 430), ("Verksamhetsutvecklare", 430), ("Kompetenshöjande insatser", 150)]


def load_uppsala() -> None:
    insats_demo.load_uppsala()  # the budgets' insats lines are the decided grants
    if services.fee_year(2021) is None:
        services.set_fees(2021, 23_090_000, UPPSALA_FEES_2021)
    if services.fee_year(2022) is None:
        services.set_fees(2022, 23_090_000, UPPSALA_FEES_2021)
    for year, (fees, board, administration) in UPPSALA_BUDGET.items():
        if services.current_budget(year) is not None:
            continue
        lines = [{"section": "income", "name": "Medlemsavgifter", "amount": fees * 1000},
                 {"section": "board", "name": "Förtroendevalda", "amount": board * 1000},
                 {"section": "administration", "name": "Förvaltning", "amount": administration * 1000}]
        lines += [{"section": "insatser", "name": name, "amount": amount}
                  for name, amount in services.granted_insatser(year).items()]
        lines += [{"section": "insatser", "name": name, "amount": tkr * 1000} for name, tkr in UPPSALA_OTHER_INSATSER]
        # 2022 starts from the equity the 2021 forecast leaves: 4 123 tkr carried after the 1 000 tkr
        # bound reserve [003]; the later years chain from it.
        services.put_budget(year, lines, 5_123_000 if year == 2022 else None)


def load_umea_all() -> None:
    load_umearegionen()
    load_umea_controls()


LOADERS = {"umearegionen": load_umea_all, "uppsala-lan": load_uppsala}
