"""``{% adoption_nav_links as links %}``: the officers' navigation links other apps add (adoption.panels)."""

from django import template

from adoption.panels import nav_links

register = template.Library()


@register.simple_tag
def adoption_nav_links() -> list[tuple[str, str]]:
    return nav_links()
