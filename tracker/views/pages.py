"""The site's written pages (About): an editor's text, shown escaped with its few marks."""

from django.views.generic import DetailView

from tracker import prose
from tracker.models import Page


class PageView(DetailView):
    model = Page
    template_name = "tracker/page.html"
    context_object_name = "page"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(nav=self.object.slug, body=prose.render(self.object.body))
        return context
