from django.urls import path

from . import views

app_name = "quotations"

urlpatterns = [
    path("tickets/<int:pk>/financeiro/", views.overview, name="overview"),
    path("tickets/<int:pk>/financeiro/cotacoes/nova/", views.quotation_form, name="quotation_new"),
    path(
        "tickets/<int:pk>/financeiro/cotacoes/<int:qid>/editar/", views.quotation_form, name="quotation_edit"
    ),
    path(
        "tickets/<int:pk>/financeiro/cotacoes/<int:qid>/enviar/", views.quotation_send, name="quotation_send"
    ),
    path(
        "tickets/<int:pk>/financeiro/cotacoes/<int:qid>/decidir/",
        views.quotation_decide,
        name="quotation_decide",
    ),
    path(
        "tickets/<int:pk>/financeiro/cotacoes/<int:qid>/arquivo/", views.quotation_file, name="quotation_file"
    ),
    path("tickets/<int:pk>/financeiro/custos/novo/", views.cost_new, name="cost_new"),
    path("tickets/<int:pk>/financeiro/notas/nova/", views.invoice_new, name="invoice_new"),
    path("tickets/<int:pk>/financeiro/notas/<int:iid>/arquivo/", views.invoice_file, name="invoice_file"),
]
