from django.urls import path

from .views import actions, create, detail, files, lists, output, reports

app_name = "tickets"

urlpatterns = [
    path("", lists.home, name="home"),
    path("tickets/", lists.client_list, name="client_list"),
    path("tickets/novo/", create.new, name="new"),
    path("fila/", lists.queue, name="queue"),
    path("fila/alocar/", actions.bulk_allocate, name="bulk_allocate"),
    path("meus-tickets/", lists.mine, name="mine"),
    path("tickets/<int:pk>/", detail.detail, name="detail"),
    path("tickets/<int:pk>/alocar/", actions.allocate, name="allocate"),
    path("tickets/<int:pk>/enviar/", actions.send, name="send"),
    path("tickets/<int:pk>/comentar/", actions.comment, name="comment"),
    path("tickets/<int:pk>/prazo/", actions.deadline, name="deadline"),
    path("tickets/<int:pk>/tags/", actions.tags, name="tags"),
    path("tickets/<int:pk>/duplicar/", actions.duplicate, name="duplicate"),
    path("tickets/<int:pk>/relacionar/", actions.relate, name="relate"),
    path("tickets/<int:pk>/anexos/", actions.attach, name="attach"),
    path("tickets/<int:pk>/anexos/<int:attachment_pk>/", files.attachment, name="attachment"),
    path("tickets/<int:pk>/pdf/", output.ticket_pdf, name="pdf"),
    path("tickets/pdf/", output.selection_pdf, name="pdf_selection"),
    path("tickets/pdf/tarefas/<int:job_id>/", output.job_status, name="pdf_job"),
    path("tickets/pdf/tarefas/<int:job_id>/arquivo/", output.job_file, name="pdf_job_file"),
    path("relatorios/", reports.page, name="reports"),
    path("relatorios/<slug:report>.csv", reports.export_csv, name="report_csv"),
    path("relatorios/<slug:report>.xlsx", reports.export_xlsx, name="report_xlsx"),
    path("tickets/<int:pk>/<slug:action>/", actions.transition, name="transition"),
]
