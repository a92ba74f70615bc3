"""Demo meetings from the seed papers: Umeåregionen's protokoll of 2020-10-30 (§§ 47–58),
its kallelse to 2020-11-27 and its 2021 mötesplan (seed 000), and Uppsala län's 2022
mötesplan with AU and FS meetings in pairs (seed 003). Umeåregionen also gets the coming
meetings of this year and the next on its 2021 plan's pattern, so Start has a next meeting.
Idempotent."""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.meetings import services
from finsam_saas.meetings.models import Meeting, Task
from finsam_saas.platform import clock
from finsam_saas.organisation.models import Body

PROTOKOLL_2020_10_30 = [
    ("Mötets öppnande", "formalia", "Ordförande förklarade mötet öppnat.", ""),
    ("Val av justerare", "formalia", "", "Anders Hahlin valdes till justerare."),
    ("Incheckning", "formalia", "Var och en checkade in.", ""),
    ("Rapport nationella Finsam-konferensen", "information",
     "Mikael Holmlund berättade att Nationella rådet beslutat att ställa in konferensen 2021 vilket innebär att "
     "Samordningsförbundet Halland får värdskapet 2022 och Samordningsförbundet Umeåregionen 2023.",
     "Styrelsen godkände rapporten."),
    ("Överenskommelse mellan Arbetsförmedlingen, Umeåregionens kommuner och Samordningsförbundet", "beslut",
     "Katarina Hansson föredrog resultatet av diskussionerna från planeringsdagarna och arbetsgruppens förslag "
     "till förändringar, förhållningssätt och åtgärder. Inga förslag på förändringar i texterna gjordes.",
     "Styrelsen beslutar att ingå som part i överenskommelsen. Styrelsen rekommenderar kommunerna och "
     "Arbetsförmedlingen att göra detsamma."),
    ("Analysarbetet", "diskussion",
     "Styrelsen anser att analysgruppen gör ett mycket gott arbete och ser med tillförsikt fram emot det "
     "fortsatta arbetet.", ""),
    ("Rapport tertial 2", "beslut",
     "Mikael Holmlund föredrog förslag till rapport för tertial 2. Styrelsen konstaterar att det är för få "
     "deltagare som avslutas till utbildning och ser ett behov av att utreda orsakerna till detta.",
     "Styrelsen fastställer rapport för tertial 2. Styrelsen ger också kansliet i uppdrag att genomföra en "
     "analys av orsaken till att så få avslutas till studier. Analysen ska presenteras i februari."),
    ("Preliminär ekonomisk tilldelning 2021 samt preliminära äskanden", "information",
     "Mikael Holmlund presenterar statens preliminära tilldelning samt preliminära äskanden från verksamheterna.",
     "Styrelsen godkände rapporten."),
    ("Lägesrapport satsning mot våld i nära relationer", "information",
     "Katarina Hansson rapporterade om nuläget i satsningen mot våld i nära relationer.", "Styrelsen godkände rapporten."),
    ("Övriga frågor", "formalia",
     "Styrelsen anser att metoden för utskick av material funkar bra. Vid nästa sammanträde skapas ett årshjul för 2021.", ""),
    ("Utcheckning", "formalia", "Var och en checkade ut.", ""),
    ("Mötet avslutas", "formalia", "Ordförande förklarade mötet avslutat.", ""),
]

ATTENDANCE_2020_10_30 = [
    {"name": "Peter Vigren", "member": "Umeå kommun", "role": "ledamot"},
    {"name": "Harriet Hedlund", "member": "Region Västerbotten", "role": "ledamot"},
    {"name": "Mikael Broman", "member": "Försäkringskassan", "role": "ledamot", "from": 52, "to": 58},
    {"name": "Anders Hahlin", "member": "Arbetsförmedlingen", "role": "ledamot"},
    {"name": "Christina Lidström", "member": "Bjurholms kommun", "role": "ledamot"},
    {"name": "Patrik Nilsson", "member": "Robertsfors kommun", "role": "ersattare", "serving": False, "from": 47, "to": 54},
    {"name": "Mikael Holmlund", "role": "ovrig", "title": "Förbundschef"},
    {"name": "Johanna Långdal Persson", "role": "ovrig", "title": "Administratör"},
    {"name": "Katarina Hansson", "role": "ovrig", "title": "Biträdande förbundschef"},
]

KALLELSE_2020_11_27 = [
    {"title": "Mötets öppnande", "kind": "formalia", "standing": True},
    {"title": "Val av justerare", "kind": "formalia", "standing": True},
    {"title": "Incheckning", "kind": "formalia", "standing": True},
    {"title": "Föregående protokoll", "kind": "formalia", "standing": True},
    {"title": "Verksamhetsplan och budget", "kind": "beslut", "presenter": "Mikael Holmlund",
     "proposal": "Styrelsen fastställer verksamhetsplan och budget enligt förslag."},
    {"title": "Förslag till årshjul och mötesplan", "kind": "beslut", "presenter": "Mikael Holmlund",
     "proposal": "Styrelsen fastställer årshjul för förbundet samt mötesplan för styrelsen."},
    {"title": "Hur kan vi bli bättre på att nyttja EU medel", "kind": "diskussion", "presenter": "Mikael Holmlund",
     "description": "2021 startar en ny period för Europeiska socialfonden. Syftet med punkten är att diskutera om "
                    "ett ökat nyttjande av ESF-medel är önskvärt och om så på vilket sätt."},
    {"title": "Rapport från analysarbetet", "kind": "information", "description": "Rapport från det pågående arbetet."},
    {"title": "Nomineringar till Nationella nätverket för samordningsförbund NNS", "kind": "beslut",
     "description": "NNS har efterfrågat nomineringar till styrelsen."},
    {"title": "Lägesrapport satsning mot våld i nära relationer", "kind": "information", "presenter": "Katarina Hansson",
     "description": "Stående punkt på alla sammanträden.", "standing": True},
    {"title": "Övriga frågor", "kind": "formalia", "standing": True},
    {"title": "Utcheckning", "kind": "formalia", "standing": True},
    {"title": "Mötets avslutande", "kind": "formalia", "standing": True},
]

# (day, start, end, theme, last day): "2021-10-07 -- 2021-10-08 12.00-12.00" runs over two days [000].
UMEA_2021 = [
    (date(2021, 2, 19), time(8, 30), time(12, 0), "Uppföljning analys", None),
    (date(2021, 3, 26), time(8, 30), time(15, 0), "Revisionsseminarium/ÅR", None),
    (date(2021, 5, 7), time(8, 30), time(12, 0), "", None),
    (date(2021, 6, 4), time(8, 30), time(12, 0), "Redovisning ny analys", None),
    (date(2021, 10, 7), time(12, 0), time(12, 0), "Planering med strategiska gruppen", date(2021, 10, 8)),
    (date(2021, 11, 5), time(8, 30), time(12, 0), "Inför budget", None),
    (date(2021, 11, 26), time(8, 30), time(12, 0), "Antagande VP och budget", None),
]

# (AU date, AU start, AU end, FS date or None, FS start, FS end) [003 bilaga 9.1]
UPPSALA_2022 = [
    (date(2022, 1, 20), time(9, 30), time(12, 30), None, None, None),
    (date(2022, 3, 3), time(9, 0), time(12, 0), date(2022, 3, 24), time(9, 0), time(12, 0)),
    (date(2022, 5, 4), time(9, 0), time(12, 0), date(2022, 6, 2), time(9, 0), time(12, 0)),
    (date(2022, 8, 25), time(9, 0), time(12, 0), date(2022, 9, 15), time(9, 0), time(12, 0)),
    (date(2022, 10, 6), time(9, 0), time(12, 0), date(2022, 10, 20), time(9, 30), time(12, 30)),
    (date(2022, 11, 10), time(9, 0), time(12, 0), date(2022, 11, 24), time(9, 0), time(12, 0)),
]


def _exists(body: Body, day: date) -> Meeting | None:
    return db.session.scalar(select(Meeting).where(Meeting.body_id == body.id, Meeting.date == day))


def _body(slug: str) -> Body:
    return db.session.scalar(select(Body).where(Body.slug == slug))


def load_umearegionen() -> None:
    styrelse = _body("styrelse")
    if not _exists(styrelse, date(2020, 10, 30)):
        meeting = services.create_meeting(
            styrelse, day=date(2020, 10, 30), start=time(8, 30), end=time(12, 0),
            place="Sveagatan 8 i Umeå samt via distansteknik", with_template=False,
            items=[{"title": title, "kind": kind} for title, kind, _, _ in PROTOKOLL_2020_10_30],
        )
        minutes = services.start_minutes(meeting, chair="Peter Vigren", secretary="Johanna Långdal Persson",
                                         justerare=["Anders Hahlin"], attendees=ATTENDANCE_2020_10_30,
                                         first_number=47)
        for paragraph_, (_, _, text, decision) in zip(minutes.paragraphs, PROTOKOLL_2020_10_30):
            services.update_paragraph(minutes, paragraph_.number, text=text, decision=decision)
        services.add_task(minutes, 53, assignee="Kansliet",
                          description="Analys av orsaken till att så få avslutas till studier", due=date(2021, 2, 28))
        services.justera(minutes, on=date(2020, 11, 26), posted=date(2020, 11, 30), signed_on_paper=True)
    if not _exists(styrelse, date(2020, 11, 27)):
        services.create_meeting(styrelse, day=date(2020, 11, 27), start=time(8, 30), end=time(12, 0),
                                place="Distansmöte via Zoom eller Skype", theme="Antagande VP och budget",
                                items=KALLELSE_2020_11_27, with_template=False)
    for day, start, end, theme, last_day in UMEA_2021:
        if not _exists(styrelse, day):
            services.create_meeting(styrelse, day=day, start=start, end=end, theme=theme, place="Umeå", end_date=last_day)
    _follow_up_the_analysis(styrelse)
    for day, start, end, theme, last_day in coming_plan(clock.today()):
        if not _exists(styrelse, day):
            services.create_meeting(styrelse, day=day, start=start, end=end, theme=theme, place="Umeå", end_date=last_day)


def _follow_up_the_analysis(styrelse: Body) -> None:
    """§ 53's uppdrag ("Analysen ska presenteras i februari") came back on 2021-02-19, themed
    "Uppföljning analys", and was done there [000]."""
    february = _exists(styrelse, date(2021, 2, 19))
    task = db.session.scalar(select(Task).where(Task.description.startswith("Analys av orsaken")))
    if february is None or task is None or task.agenda_item_id is not None:
        return
    services.put_task_on_agenda(task, february)
    services.complete_task(task, date(2021, 2, 19))


def coming_plan(today: date) -> list[tuple]:
    """The rest of this year and the next on the 2021 plan's pattern (same week and weekday), so that
    the demo's start page has coming meetings whatever day it is loaded."""
    plan = []
    for year in (today.year, today.year + 1):
        for day, start, end, theme, last_day in UMEA_2021:
            moved = date(year, day.month, day.day)
            moved += timedelta(days=day.weekday() - moved.weekday())
            if moved >= today:
                plan.append((moved, start, end, theme, moved + (last_day - day) if last_day else None))
    return plan


def load_uppsala() -> None:
    fs, au = _body("forbundsstyrelse"), _body("arbetsutskott")
    for au_day, au_start, au_end, fs_day, fs_start, fs_end in UPPSALA_2022:
        prepared = None
        if fs_day:
            prepared = _exists(fs, fs_day) or services.create_meeting(
                fs, day=fs_day, start=fs_start, end=fs_end, place="Teams")
        if not _exists(au, au_day):
            services.create_meeting(au, day=au_day, start=au_start, end=au_end, place="Teams", prepares=prepared)


LOADERS = {"umearegionen": load_umearegionen, "uppsala-lan": load_uppsala}
