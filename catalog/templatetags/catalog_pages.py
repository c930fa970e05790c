"""`{% personal "includes/…html" %}`: a part of a page that is each visitor's own (their account
links and cart count, their messages). Rendered in place, like `{% include %}`, except while the
page is rendered to be shared (catalog.shared_pages): then a marker that each request replaces
with its own rendering. Use it outside `{% cache %}` fragments, for templates in
`catalog.shared_pages.HOLES` only."""

from django import template

from catalog import shared_pages

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context, template_name):
    if template_name not in shared_pages.HOLES:
        raise template.TemplateSyntaxError(
            f"{template_name} is not one of catalog.shared_pages.HOLES: it could not be filled."
        )
    if shared_pages.is_rendering_shared(context.get("request")):
        return shared_pages.marker(template_name)
    return context.template.engine.get_template(template_name).render(context)
