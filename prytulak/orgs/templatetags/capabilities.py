"""`{% with may=actor|may_on:record %}{% if may.household_name %}…`: the capability table
asked about one record of a list in a template."""

from django import template

from prytulak.orgs.scopes import Actor, May

register = template.Library()


@register.filter
def may_on(actor: Actor | None, obj: object) -> May | dict:
    return actor.may_on(obj) if actor is not None else {}
