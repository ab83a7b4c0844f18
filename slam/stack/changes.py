"""A change set, read: is it ready, does it change anything, what does it change, and
would it lose a DynamoDB table's items."""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from ..errors import SlamError
from ..remote import ChangeSet, ResourceChange

# How CloudFormation says "nothing to do": the reason of a FAILED change set, and the
# error UpdateStack (and some emulators' CreateChangeSet) answers.
NO_CHANGES_TEXTS = ("didn't contain changes", "No updates are to be performed")
PENDING_STATUSES = frozenset({"CREATE_PENDING", "CREATE_IN_PROGRESS"})
TABLE_TYPES = frozenset({"AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"})
REPLACING = frozenset({"True", "Conditional"})
RECREATING = frozenset({"Always", "Conditionally"})
# (symbol, what the summary counts) per change action, in the order they are listed
ACTIONS = {
    "Add": ("+", "to add"),
    "Modify": ("~", "to modify"),
    "Remove": ("-", "to remove"),
    "Import": ("<", "to import"),
    "Dynamic": ("?", "decided while running"),
}
REPLACEMENT_NOTES = {"True": "replacement", "Conditional": "may be replaced"}


def means_no_changes(reason: str | None) -> bool:
    """Whether an error message or a change set's reason says there is nothing to change."""
    return bool(reason) and any(text in str(reason) for text in NO_CHANGES_TEXTS)


class ChangeSetState(enum.Enum):
    PENDING = "pending"  # still being computed: describe it again after a pause
    READY = "ready"  # can be executed
    NO_CHANGES = "no changes"  # the stack already is what was asked: success


def change_set_state(change_set: ChangeSet) -> ChangeSetState:
    """Where a change set stands; a change set that failed for another reason is a
    SlamError with CloudFormation's reason (a template error, a missing capability...)."""
    if change_set.status in PENDING_STATUSES:
        return ChangeSetState.PENDING
    if change_set.status == "FAILED":
        if means_no_changes(change_set.status_reason):
            return ChangeSetState.NO_CHANGES
        raise SlamError(
            f"CloudFormation refused the changes to stack {change_set.stack_name}: "
            f"{change_set.status_reason or 'no reason given'}",
            "fix what it names (in slam.yaml, or a plugin's resources) and deploy again",
        )
    return ChangeSetState.READY


def change_summary(change_set: ChangeSet) -> list[str]:
    """The lines printed before a change set runs: a count per action, then one line per
    resource (symbol, logical ID, type), marking replacements."""
    changes = sorted(change_set.changes, key=_listing_order)
    counts = [
        f"{sum(change.action == action for change in changes)} {words}"
        for action, (_, words) in ACTIONS.items()
        if any(change.action == action for change in changes)
    ]
    title = f"Changes to stack {change_set.stack_name}: {', '.join(counts) or 'none'}"
    id_width = max((len(change.logical_id) for change in changes), default=0)
    type_width = max((len(change.resource_type) for change in changes), default=0)
    lines = [title]
    for change in changes:
        symbol = ACTIONS.get(change.action, ("*", ""))[0]
        note = REPLACEMENT_NOTES.get(change.replacement or "", "")
        line = f"  {symbol} {change.logical_id:<{id_width}}  {change.resource_type:<{type_width}}"
        lines.append(f"{line}  {note}".rstrip())
    return lines


def _listing_order(change: ResourceChange) -> tuple[int, str]:
    order = list(ACTIONS)
    return (order.index(change.action) if change.action in order else len(order), change.logical_id)


class Loss(enum.Enum):
    REMOVED = "removed"  # the table is deleted
    REPLACED = "replaced"  # a new, empty table takes its place


@dataclass(frozen=True)
class DataLoss:
    """A DynamoDB table a change set would delete or replace, with the properties whose
    change forces a replacement (``KeySchema``...), and whether AWS only may replace it."""

    loss: Loss
    logical_id: str
    table: str
    properties: tuple[str, ...] = ()
    conditional: bool = False


def data_loss(changes: Sequence[ResourceChange], retained: Collection[str] = ()) -> list[DataLoss]:
    """The tables whose items the changes would lose.

    A removed table is kept by CloudFormation when the *deployed* template gives it
    ``DeletionPolicy: Retain`` (``retain: true`` in slam.yaml): the change's
    ``policy_action`` says so when AWS reports it, else ``retained`` (the logical IDs
    :func:`slam.stack.template.retained_resources` finds in the deployed template).
    """
    losses = []
    for change in changes:
        if change.resource_type not in TABLE_TYPES:
            continue
        table = change.physical_id or change.logical_id
        if change.action == "Remove" and not _kept(change, retained):
            losses.append(DataLoss(Loss.REMOVED, change.logical_id, table))
        elif change.action == "Modify" and change.replacement in REPLACING:
            conditional = change.replacement == "Conditional"
            losses.append(
                DataLoss(Loss.REPLACED, change.logical_id, table, _causes(change), conditional)
            )
    return losses


def _kept(change: ResourceChange, retained: Collection[str]) -> bool:
    if change.policy_action is not None:
        return change.policy_action == "Retain"
    return change.logical_id in retained


def _causes(change: ResourceChange) -> tuple[str, ...]:
    names = {
        detail.name
        for detail in change.details
        if detail.attribute == "Properties" and detail.requires_recreation in RECREATING
    }
    return tuple(sorted(name for name in names if name))


def data_loss_error(
    losses: Sequence[DataLoss], holds_items: Mapping[str, bool], allow_data_loss: bool
) -> SlamError | None:
    """Why a deploy must not run, or None. A replaced table is always refused; removed
    tables unless ``allow_data_loss``. ``holds_items`` maps table names to what a
    one-item Scan found, for the tables that were checked."""
    replaced = [loss for loss in losses if loss.loss is Loss.REPLACED]
    if replaced:
        return SlamError(
            f"this deploy would replace DynamoDB {_tables(replaced)}, and a new table "
            "starts empty (one with a fixed name cannot even be replaced)",
            "to change a table's key on purpose: remove the table from slam.yaml, run "
            "`slam deploy --allow-data-loss`, then add it back with the new key and deploy",
        )
    removed = [loss for loss in losses if loss.loss is Loss.REMOVED]
    if not removed or allow_data_loss:
        return None
    described = ", ".join(loss.table + _contents(holds_items.get(loss.table)) for loss in removed)
    plural = len(removed) > 1
    them = "them" if plural else "it"
    return SlamError(
        f"this deploy would delete DynamoDB table{'s' if plural else ''} {described}",
        f"run `slam deploy --allow-data-loss` to delete {them}, or keep {them} in slam.yaml "
        "(with `retain: true`, CloudFormation keeps a table that slam.yaml no longer has)",
    )


def _tables(losses: Sequence[DataLoss]) -> str:
    named = []
    for loss in losses:
        cause = ", ".join(loss.properties) or "its definition"
        verb = "may replace" if loss.conditional else "replaces"
        named.append(f"{loss.table} (a change to {cause} {verb} it)")
    return ("tables " if len(named) > 1 else "table ") + "; ".join(named)


def _contents(holds_items: bool | None) -> str:
    if holds_items is None:
        return ""
    return " (holds items)" if holds_items else " (empty)"
