from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfServiceConfig(AppConfig):
    name = "prytulak.selfservice"
    verbose_name = _("Own pages for hosts and households")
