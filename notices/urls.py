from django.urls import path

from notices import views, views_contacts, views_numbers, views_print, views_reminders

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_create, name="create"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/sign/", views.notice_sign, name="sign"),
    path("<int:pk>/receipt/", views.notice_receipt, name="receipt"),
    path("<int:pk>/urge/", views.notice_urge_all, name="urge_all"),
    path("<int:pk>/notice.docx", views.notice_docx, name="docx"),
    path("<int:pk>/receipts.xlsx", views.receipts_export, name="receipts_export"),
    path("recipients/<int:pk>/urge/", views.recipient_urge, name="urge"),
    path("numbers/", views_numbers.number_list, name="number_list"),
    path("numbers/reserve/", views_numbers.number_reserve, name="number_reserve"),
    path("numbers/<int:pk>/void/", views_numbers.number_void, name="number_void"),
    path("numbers/<int:pk>/use/", views_numbers.number_use, name="number_use"),
    path("contacts/", views_contacts.contact_list, name="contact_list"),
    path("contacts/new/", views_contacts.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", views_contacts.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", views_contacts.contact_delete, name="contact_delete"),
    path("reminders/", views_reminders.reminder_list, name="reminder_list"),
    path("reminders/<int:pk>/retry/", views_reminders.reminder_retry, name="reminder_retry"),
    path("preferences/", views_reminders.preferences, name="preferences"),
    path(
        "print/self-assessment/<int:campaign_pk>/<int:target_pk>/",
        views_print.self_assessment_form,
        name="print_self_assessment",
    ),
    path("print/scoring/<int:campaign_pk>/<int:unit_pk>/", views_print.scoring_form, name="print_scoring"),
    path("print/provincial-tasks/", views_print.task_list_form, name="print_tasks"),
]
