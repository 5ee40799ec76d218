"""The ticket page, shared by every role; what it shows comes from TicketAccess."""

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.db import connections
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from trilogo.prepared import reuse_plans

from .. import access as access_module
from .. import forms
from ..selectors import allocation_choices, related_visible
from ..timeline import RECENT, timeline_for


def comments_and_files(ticket):
    """The ticket's comments (their authors joined) and its own attachments, with one
    query for all of its attachments: each comment carries its own as ``files``."""
    own, by_comment = [], defaultdict(list)
    for attachment in ticket.attachments.all():
        (by_comment[attachment.comment_id] if attachment.comment_id else own).append(attachment)
    comments = list(ticket.comments.select_related("author"))
    for comment in comments:
        comment.files = by_comment.get(comment.pk, [])
    return comments, own


def _related(ticket, visible):
    # Found from the ticket's key through the link table, each checked on its row:
    # the same plan whatever the key, so PostgreSQL plans it once per connection.
    with connections[visible.db].execute_wrapper(reuse_plans):
        return list(related_visible(ticket, visible))


def detail_context(request, ticket, access, *, full_timeline=False, **bound):
    """Everything the detail page needs; ``bound`` replaces a default form with the
    one the person just submitted (errors shown, typed text kept). The timeline shows
    its newest events unless ``full_timeline``."""
    v = {"version": ticket.version}
    ctx_forms = {
        "comment_form": forms.CommentForm(),
        "deadline_form": forms.DeadlineForm(initial={**v, "deadline": ticket.deadline}),
        "tags_form": forms.TagsForm(initial={"tags": ", ".join(t.name for t in ticket.tags.all())}),
        "block_form": forms.ReasonForm(initial=v, prefix="block"),
        "pause_form": forms.ReasonForm(initial=v, prefix="pause"),
        "finish_form": forms.FinishForm(initial=v, prefix="finish"),
        "relate_form": forms.RelateForm(),
    }
    if access.can("send"):
        ctx_forms["send_form"] = forms.SendForm(initial={**v, "contract": ticket.contract_id}, ticket=ticket)
    if access.can("allocate"):
        ctx_forms["allocate_form"] = forms.AllocateForm(
            initial={**v, "executante": ticket.executante_id}, ticket=ticket
        )
    ctx_forms.update(bound)
    visible = access_module.visible_tickets(request.user)
    comments, attachments = comments_and_files(ticket)
    return {
        "ticket": ticket,
        "access": access,
        "timeline": timeline_for(ticket, access, None if full_timeline else RECENT, visible=visible),
        # A copy links to its original only for whoever sees it (a link is its key).
        "original_seen": bool(ticket.duplicated_from_id)
        and visible.filter(pk=ticket.duplicated_from_id).exists(),
        "comments": comments,
        "attachments": attachments,
        "related": _related(ticket, visible),
        "allocation_choices": allocation_choices([ticket.contract_id])
        if access.can("allocate") and ticket.contract_id
        else [],
        **ctx_forms,
    }


def render_detail(request, ticket, access, status=200, *, full_timeline=False, **bound):
    context = detail_context(request, ticket, access, full_timeline=full_timeline, **bound)
    if request.htmx and not request.htmx.boosted:
        # htmx swaps the ticket body in place; errors too, so status stays 200.
        return render(request, "tickets/_detail_body.html", context)
    return render(request, "tickets/detail.html", context, status=status)


# The id of the timeline's section: "show earlier events" asks for it alone (htmx).
TIMELINE = "timeline"


@vary_on_headers("HX-Request", "HX-Target")
@login_required
def detail(request, pk):
    ticket, access = access_module.get_ticket_for_user(request.user, pk, "view")
    full_timeline = request.GET.get("timeline") == "all"
    if request.htmx and request.htmx.target == TIMELINE:
        visible = access_module.visible_tickets(request.user)
        timeline = timeline_for(ticket, access, None if full_timeline else RECENT, visible=visible)
        return render(request, "tickets/_timeline.html", {"ticket": ticket, "timeline": timeline})
    return render_detail(request, ticket, access, full_timeline=full_timeline)
