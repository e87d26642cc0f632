from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from prytulak.accounts.forms import LoginForm
from prytulak.aid import views as aid_views
from prytulak.api import views as api_views
from prytulak.api.core import api
from prytulak.assistance import views as assistance_views
from prytulak.core import export_views
from prytulak.core import views as core_views
from prytulak.housing import views as housing_views
from prytulak.journeys import views as journey_views
from prytulak.maps import views as map_views
from prytulak.matching import views as matching_views
from prytulak.notify.views import telegram_webhook
from prytulak.people import views as people_views
from prytulak.selfservice import staff_views as selfservice_views
from prytulak.sheets import views as sheet_views

staff_patterns = [
    path("", core_views.staff_home, name="staff-home"),
    path("offers/", housing_views.offer_list, name="offer-list"),
    path("offers/new/", housing_views.offer_create, name="offer-create"),
    path("offers/<int:pk>/", housing_views.offer_detail, name="offer-detail"),
    path("offers/<int:pk>/edit/", housing_views.offer_edit, name="offer-edit"),
    path("offers/<int:pk>/verify/", housing_views.offer_verify, name="offer-verify"),
    path("offers/<int:pk>/status/", housing_views.offer_status, name="offer-status"),
    path("offers/<int:pk>/visit/", housing_views.host_visit, name="host-visit"),
    path("offers/<int:pk>/propose/", housing_views.offer_propose, name="offer-propose"),
    path("placements/<int:pk>/", housing_views.placement_detail, name="placement-detail"),
    path("placements/<int:pk>/step/", housing_views.placement_step, name="placement-step"),
    path("placements/<int:pk>/problem/", housing_views.placement_problem, name="placement-problem"),
    path(
        "placements/<int:pk>/checkins/<int:checkin>/",
        housing_views.checkin_record,
        name="checkin-record",
    ),
    path("households/", people_views.household_list, name="household-list"),
    path("households/new/", people_views.household_create, name="household-create"),
    path("households/<int:pk>/", people_views.household_detail, name="household-detail"),
    path("households/<int:pk>/edit/", people_views.household_edit, name="household-edit"),
    path("households/<int:pk>/claim/", people_views.household_claim, name="household-claim"),
    path("households/<int:pk>/sharing/", people_views.household_sharing, name="household-sharing"),
    path("households/<int:pk>/export/", people_views.household_export, name="household-export"),
    path("households/<int:pk>/erase/", people_views.household_erase, name="household-erase"),
    path("households/<int:pk>/compare/", people_views.household_compare, name="household-compare"),
    path("households/<int:pk>/merge/", people_views.household_merge, name="household-merge"),
    path("trips/", journey_views.trip_list, name="trip-list"),
    path("trips/new/", journey_views.trip_create, name="trip-create"),
    path("trips/<int:pk>/", journey_views.trip_detail, name="trip-detail"),
    path("trips/<int:pk>/verify/", journey_views.trip_verify, name="trip-verify"),
    path("trips/<int:pk>/edit/", journey_views.trip_edit, name="trip-edit"),
    path("trips/<int:pk>/cancel/", journey_views.trip_cancel, name="trip-cancel"),
    path("bookings/<int:pk>/decide/", journey_views.booking_decide, name="booking-decide"),
    path("households/<int:pk>/seats/", journey_views.seat_request, name="seat-request"),
    path("legs/<int:pk>/done/", journey_views.leg_done, name="leg-done"),
    path("journeys/<int:pk>/arrive/", journey_views.journey_arrive, name="journey-arrive"),
    path("crossings/", journey_views.crossing_list, name="crossing-list"),
    path("crossings/<int:pk>/status/", journey_views.crossing_status, name="crossing-status"),
    path("aid/", aid_views.aid_home, name="aid-home"),
    path("aid/donations/new/", aid_views.donation_new, name="donation-new"),
    path("aid/requests/new/", aid_views.request_new, name="aid-request-new"),
    path("aid/shipments/new/", aid_views.shipment_new, name="shipment-new"),
    path("aid/shipments/<int:pk>/", aid_views.shipment_detail, name="shipment-detail"),
    path("aid/shipments/<int:pk>/manifest/", aid_views.shipment_manifest, name="shipment-manifest"),
    path("aid/shipments/<int:pk>/step/", aid_views.shipment_step, name="shipment-step"),
    path("aid/shipments/<int:pk>/deliver/", aid_views.shipment_deliver, name="shipment-deliver"),
    path("aid/write-off/", aid_views.write_off, name="write-off"),
    path("aid/reports/<slug:kind>.csv", aid_views.report_csv, name="aid-report"),
    path("cases/", assistance_views.dashboard, name="cases"),
    path("cases/export.csv", assistance_views.dashboard_csv, name="cases-csv"),
    path("cases/<int:pk>/", assistance_views.case_detail, name="case-detail"),
    path("cases/<int:pk>/move/", assistance_views.case_move, name="case-move"),
    path("cases/<int:pk>/assign/", assistance_views.case_assign, name="case-assign"),
    path("cases/<int:pk>/checklist/", assistance_views.case_checklist, name="case-checklist"),
    path("cases/<int:pk>/refer/", assistance_views.case_refer, name="case-refer"),
    path("referrals/<int:pk>/decide/", assistance_views.referral_decide, name="referral-decide"),
    path("households/<int:pk>/cases/new/", assistance_views.case_new, name="case-new"),
    path("services/", assistance_views.provider_list, name="provider-list"),
    path("matching/", matching_views.run_list, name="matching-runs"),
    path("exports/hsds/services.json", export_views.hsds_services, name="export-hsds"),
    path("exports/hxl.csv", export_views.hxl_table, name="export-hxl"),
    path("import/", sheet_views.import_upload, name="import-upload"),
    path("import/<int:pk>/", sheet_views.import_detail, name="import-detail"),
    path("import/<int:pk>/start/", sheet_views.import_start, name="import-start"),
    path("import/<int:pk>/review/", sheet_views.import_review, name="import-review"),
    path("import/<int:pk>/rows.csv", sheet_views.import_report, name="import-report"),
    path("api-keys/", api_views.token_list, name="api-keys"),
    path("api-keys/<int:pk>/revoke/", api_views.token_revoke, name="api-key-revoke"),
    path("links/<int:pk>/revoke/", selfservice_views.link_revoke, name="link-revoke"),
    path(
        "households/<int:pk>/send-link/",
        selfservice_views.household_send_link,
        name="household-send-link",
    ),
    path("offers/<int:pk>/send-link/", selfservice_views.offer_send_link, name="offer-send-link"),
    path("matching/<int:pk>/", matching_views.run_detail, name="matching-run"),
    path("matching/<int:pk>/results.csv", matching_views.run_csv, name="matching-run-csv"),
]

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "favicon.ico")),
    path("places/suggest/", core_views.place_suggest, name="place-suggest"),
    path("admin/", admin.site.urls),
    path("api/map/", include("prytulak.maps.urls")),
    path("api/", api.urls),
    path("telegram/webhook/", telegram_webhook, name="telegram-webhook"),
    # Own pages of hosts and households, by signed link (no login).
    path("l/", include("prytulak.selfservice.urls")),
]
urlpatterns += i18n_patterns(
    path("", core_views.home, name="home"),
    path("", include("prytulak.intake.urls")),
    path("map/", map_views.map_page, name="map"),
    path("staff/", include(staff_patterns)),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("prytulak.accounts.urls")),
)

handler403 = "prytulak.core.views.error_403"
handler404 = "prytulak.core.views.error_404"
handler500 = "prytulak.core.views.error_500"
