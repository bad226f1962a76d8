"""The shared link (public page): see lib/web/link_page.py. lib/web/shell.py also serves it directly, without
the sign-in shell, whenever the address carries a link (`?t=`) or a manage link (`?manage=`)."""

from lib.web import link_page

link_page.show()
