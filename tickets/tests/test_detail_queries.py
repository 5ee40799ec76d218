"""The ticket page asks the database a fixed number of times, however many comments
and attachments the ticket has, and each file is drawn where it belongs."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tickets.models import Attachment, Comment

from .fixtures import statements

pytestmark = pytest.mark.django_db


def attach(ticket, by, name, comment=None):
    return Attachment.objects.create(
        client_id=ticket.client_id,
        ticket=ticket,
        comment=comment,
        uploaded_by=by,
        file=ContentFile(b"%PDF-1.4 test", name=name),
        original_name=name,
        content_type="application/pdf",
        size=13,
        kind=Attachment.Kind.DOCUMENT,
    )


def page_statements(client, ticket):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 200
    return statements(captured), response.content.decode()


@pytest.mark.parametrize("person", ["tecnico1", "gestor", "client_staff"])
def test_comments_and_files_cost_no_query_each(world, client, person):
    ticket, author = world["t1"], world["tecnico1"]
    client.force_login(world[person])
    page_statements(client, ticket)  # a connection's first request prepares its statements
    before, _ = page_statements(client, ticket)
    attach(ticket, author, "laudo-do-chamado.pdf")
    for n in range(3):
        comment = Comment.objects.create(client=ticket.client, ticket=ticket, author=author, body=f"c{n}")
        attach(ticket, author, f"nota-{n}-a.pdf", comment)
        attach(ticket, author, f"nota-{n}-b.pdf", comment)
    after, page = page_statements(client, ticket)
    assert after == before
    # Each comment's files under that comment, the ticket's own under its description.
    comments = page.split('id="h-comments"', 1)[1].split('id="h-timeline"', 1)[0]
    articles = comments.split('<article class="comment">')[1:]
    assert len(articles) == 3
    for n, article in enumerate(articles):
        assert f"nota-{n}-a.pdf" in article and f"nota-{n}-b.pdf" in article
        assert "laudo-do-chamado.pdf" not in article
    description = page.split('id="h-desc"', 1)[1].split('id="h-comments"', 1)[0]
    assert "laudo-do-chamado.pdf" in description and "nota-" not in description


def test_another_tickets_files_never_show(world, client):
    ticket, other = world["t1"], world["t2"]
    attach(other, world["tecnico2"], "de-outro-ticket.pdf")
    client.force_login(world["gestor"])
    _, page = page_statements(client, ticket)
    assert "de-outro-ticket.pdf" not in page
