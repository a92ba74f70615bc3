"""The attestordning of seed 004 as rules: who may give the mottagningsattest and the
beslutsattest of a faktura or an utanordning, by amount and by whose costs they are.

Every invoice needs both attests, by two different people; nobody attests their own
costs; each function has an ersättare.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from finsam_saas.economy.models import ATTEST_FUNCTIONS, INVOICE_KINDS, Attest, Attestant, Invoice
from finsam_saas.extensions import db
from finsam_saas.insatser.models import Insats
from finsam_saas.platform.rules import InvalidInput, RuleViolation

LIMIT = 100_000  # kronor: "fakturor upp till 100 tkr"
STEPS = ("mottagning", "beslut")
STEP_LABELS = {"mottagning": "Mottagningsattest", "beslut": "Beslutsattest"}


@dataclass(frozen=True)
class Rule:
    attestant: str
    substitute: str | None

    @property
    def functions(self) -> tuple[str, ...]:
        return tuple(f for f in (self.attestant, self.substitute) if f)


def rule_for(kind: str, amount: int, cost_of: str | None, step: str) -> Rule:
    """Who attests this step (seed 004)."""
    small = kind == "invoice" and amount <= LIMIT
    if step == "mottagning":
        rule = Rule("administrator", "bitradande_forbundschef") if small else Rule("forbundschef", "bitradande_forbundschef")
    else:
        rule = Rule("forbundschef", "ordforande") if small else Rule("ordforande", "vice_ordforande")
        if small and cost_of == "forbundschef":
            rule = Rule("ordforande", "vice_ordforande")  # the förbundschef's own costs: by the chair
        if small and cost_of == "ordforande":
            rule = Rule("vice_ordforande", None)  # the chair's own costs: by the vice chair
    if cost_of and cost_of in rule.functions:
        # nobody attests their own costs: the other of the pair does
        remaining = tuple(f for f in rule.functions if f != cost_of)
        rule = Rule(remaining[0], None) if remaining else rule
    return rule


def functions_of(user_id: int) -> list[str]:
    return list(db.session.scalars(select(Attestant.function).where(Attestant.user_id == user_id)))


def set_attestant(function: str, user_id: int) -> None:
    if function not in ATTEST_FUNCTIONS:
        raise InvalidInput(f"Okänd funktion \"{function}\".", {"function": "okänd"})
    row = db.session.scalar(select(Attestant).where(Attestant.function == function))
    if row is None:
        db.session.add(Attestant(function=function, user_id=user_id))
    else:
        row.user_id = user_id
    db.session.flush()


def register_invoice(*, kind: str, counterparty: str, amount: int, year: int, description: str = "",
                     cost_of: str | None = None, insats: Insats | None = None) -> Invoice:
    if kind not in INVOICE_KINDS:
        raise InvalidInput("Välj faktura eller utanordning.", {"kind": "okänd typ"})
    if not counterparty.strip():
        raise InvalidInput("Ange leverantör eller mottagare.", {"counterparty": "saknas"})
    if not isinstance(amount, int) or amount <= 0:
        raise InvalidInput("Beloppet ska vara hela kronor över 0.", {"amount": "ogiltigt belopp"})
    if cost_of not in (None, "", "forbundschef", "ordforande"):
        raise InvalidInput("Ange om kostnaden är förbundschefens eller ordförandens egen.", {"cost_of": "okänt"})
    if kind == "payout":
        if insats is None:
            raise InvalidInput("En utanordning gäller en insats.", {"insats_id": "saknas"})
        paid = sum(db.session.scalars(select(Invoice.amount).where(
            Invoice.kind == "payout", Invoice.insats_id == insats.id, Invoice.year == year)))
        grant = insats.grant_for(year)
        if paid + amount > grant:
            raise RuleViolation("exceeds_grant", f"Utbetalningen skulle ge {paid + amount} kr till {insats.name} {year}, "
                                                 f"mer än beviljade {grant} kr.", {"amount": "över beviljat"})
    invoice = Invoice(kind=kind, counterparty=counterparty.strip(), amount=amount, year=year,
                      description=description.strip(), cost_of=cost_of or None, insats_id=insats.id if insats else None)
    db.session.add(invoice)
    db.session.flush()
    return invoice


def attest(invoice: Invoice, step: str, user_id: int) -> Attest:
    if step not in STEPS:
        raise InvalidInput("Okänt atteststeg.", {"step": "mottagning eller beslut"})
    if any(a.step == step for a in invoice.attests):
        raise RuleViolation("already_attested", f"{STEP_LABELS[step]} är redan given.")
    if step == "beslut" and not any(a.step == "mottagning" for a in invoice.attests):
        raise RuleViolation("mottagning_first", "Mottagningsattesten ska ges före beslutsattesten.")
    if any(a.user_id == user_id for a in invoice.attests):
        raise RuleViolation("same_person", "Mottagnings- och beslutsattest ska ges av två olika personer.")
    rule = rule_for(invoice.kind, invoice.amount, invoice.cost_of, step)
    held = [f for f in functions_of(user_id) if f in rule.functions]
    if not held:
        allowed = " eller ".join(ATTEST_FUNCTIONS[f].lower() for f in rule.functions)
        raise RuleViolation("not_attestant", f"{STEP_LABELS[step]} för denna {INVOICE_KINDS[invoice.kind].lower()} ges av {allowed}.")
    row = Attest(invoice_id=invoice.id, step=step, user_id=user_id, function=held[0])
    invoice.attests.append(row)
    db.session.flush()
    return row


def waiting(invoice: Invoice) -> tuple[str, Rule] | None:
    """The next step and who may take it, or None when both attests are given."""
    done = {a.step for a in invoice.attests}
    for step in STEPS:
        if step not in done:
            return step, rule_for(invoice.kind, invoice.amount, invoice.cost_of, step)
    return None
