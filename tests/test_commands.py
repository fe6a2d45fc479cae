import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command


@pytest.mark.django_db
def test_local_admin_is_made_once_and_only_with_debug_on(settings, capsys):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing"):
        call_command("ensure_local_admin")
    assert not get_user_model().objects.exists()

    settings.DEBUG = True
    call_command("ensure_local_admin", url="http://127.0.0.1:8001/admin/")
    call_command("ensure_local_admin")
    admin = get_user_model().objects.get()
    assert admin.is_superuser and admin.check_password("admin")
    out = capsys.readouterr().out
    assert "(created): http://127.0.0.1:8001/admin/" in out
    assert "(already there)" in out
