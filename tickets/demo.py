"""Demo tickets: about 40 over the demo units, in every status, with comments,
tags and a photo. Idempotent: nothing is added once the demo tickets exist."""

import io
import random
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Area, ClientCompany, ClientMembership, Unit
from providers.models import Contract

from . import services
from .models import Category, Ticket

CATEGORIES = [
    "Iluminação > Refletores > Não liga",
    "Iluminação > Lâmpadas > Queimada",
    "Climatização > Ar-condicionado > Não gela",
    "Climatização > Câmara fria > Temperatura alta",
    "Elétrica > Tomadas > Sem energia",
    "Hidráulica > Vazamento",
    "Civil > Piso > Quebrado",
    "Civil > Portas > Automática",
]
# What clients ask for, each with the category it belongs to.
REQUESTS = [
    ("Refletor do estacionamento não liga", "Iluminação > Refletores > Não liga"),
    ("Ar-condicionado do caixa pingando", "Climatização > Ar-condicionado > Não gela"),
    ("Câmara fria do açougue acima de 5 °C", "Climatização > Câmara fria > Temperatura alta"),
    ("Tomada do balcão da padaria sem energia", "Elétrica > Tomadas > Sem energia"),
    ("Vazamento na pia do depósito", "Hidráulica > Vazamento"),
    ("Lâmpadas queimadas no corredor 3", "Iluminação > Lâmpadas > Queimada"),
    ("Piso solto perto da doca", "Civil > Piso > Quebrado"),
    ("Disjuntor desarmando à noite", "Elétrica > Tomadas > Sem energia"),
    ("Porta automática travando", "Civil > Portas > Automática"),
    ("Ar-condicionado da agência sem gelar", "Climatização > Ar-condicionado > Não gela"),
]
TITLES = [title for title, _ in REQUESTS]
COMMENTS = [
    "Cliente informou que o problema piora à tarde.",
    "Peça encomendada, chega amanhã.",
    "Acesso liberado pela gerência da loja.",
    "Verificado no local, precisa de escada grande.",
]
TAGS = ["preventiva", "corretiva", "urgente-loja", "aguardando-peça"]


def _category(client, path):
    parent = None
    for name in path.split(" > "):
        parent = Category.objects.filter(
            client=client, parent=parent, name=name
        ).first() or Category.objects.create(client=client, parent=parent, name=name)
    return parent


def demo_photo(name="foto.jpg", color=(40, 120, 160)):
    """A real JPEG made with Pillow, so the demo has a photo without shipping one."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((180, 140, 460, 340), outline=(255, 255, 255), width=8)
    draw.line((180, 140, 460, 340), fill=(255, 200, 0), width=6)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@transaction.atomic
def seed_tickets(count: int = 40) -> int:
    if Ticket.objects.filter(title__in=TITLES).exists():
        return 0
    rng = random.Random(42)  # noqa: S311 - demo data, not security
    made = 0
    plans = []
    for client in ClientCompany.objects.filter(cnpj__in=["11.222.333/0001-81", "44.555.666/0001-81"]):
        requester = (
            ClientMembership.objects.filter(client=client)
            .order_by("role")
            .select_related("user")
            .first()
            .user
        )
        categories = {path: _category(client, path) for path in CATEGORIES}
        contracts = list(Contract.objects.filter(client=client).select_related("provider"))
        units = list(Unit.objects.filter(client=client))
        share = count * 3 // 4 if client.name.startswith("Super") else count - count * 3 // 4
        plans.append((client, requester, categories, contracts, units, share))
    statuses = [
        "aberto",
        "em_execucao",
        "executado",
        "vistoriado",
        "arquivado",
        "impedido",
        "pausado",
        "novo",
    ]
    for client, requester, categories, contracts, units, share in plans:
        for i in range(share):
            unit = units[i % len(units)]
            areas = list(Area.objects.filter(unit=unit))
            # Blocks of one ticket per status go to each contract in turn, so every
            # provider's queue shows every status.
            contract = contracts[(i // len(statuses)) % len(contracts)]
            status = statuses[i % len(statuses)]
            ticket = services.ticket_create(
                client=client,
                requester=requester,
                title=REQUESTS[i % len(REQUESTS)][0],
                description="Chamado de demonstração. " + COMMENTS[i % len(COMMENTS)],
                unit=unit,
                area=areas[i % len(areas)] if areas else None,
                category=categories[REQUESTS[i % len(REQUESTS)][1]],
                priority=rng.choice([1, 2, 2, 3, 4]),
                contract=None if status == "novo" else contract,
                deadline=timezone.localdate() + timedelta(days=rng.randint(-5, 20)),
            )
            Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - timedelta(days=share - i))
            made += 1
            if status == "novo":
                continue
            gestor = contract.members.filter(role="gestor").select_related("user").first()
            gestor_user = gestor.user if gestor else requester
            people = [m.user for m in contract.members.filter(role="executante").select_related("user")]
            if people and i % 5 != 4:
                services.ticket_allocate(ticket=ticket, executante=people[i % len(people)], by=gestor_user)
            worker = ticket.executante if ticket.executante_id else gestor_user
            services.ticket_set_tags(ticket=ticket, names=[TAGS[i % len(TAGS)]], by=gestor_user)
            if i % 3 == 0:
                services.comment_add(ticket=ticket, author=worker, body=COMMENTS[i % len(COMMENTS)])
            if status in {"em_execucao", "executado", "vistoriado", "pausado"}:
                services.ticket_start(ticket=ticket, by=worker)
            if status == "pausado":
                services.ticket_pause(ticket=ticket, by=worker, reason="Aguardando liberação da loja")
            if status in {"executado", "vistoriado"}:
                files = [demo_photo(f"servico-{ticket.number}.jpg")] if i % 4 == 2 else []
                services.ticket_finish(ticket=ticket, by=worker, comment="Serviço concluído.", files=files)
            if status == "vistoriado":
                services.ticket_inspect(ticket=ticket, by=requester)
            if status == "arquivado":
                services.ticket_archive(ticket=ticket, by=requester)
            if status == "impedido":
                services.ticket_block(ticket=ticket, by=worker, reason="Loja fechada para inventário")
    return made
