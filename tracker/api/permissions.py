"""Who may do what through the API: everyone reads; staff with the model's Django permission
write (add, change, delete), as in the admin."""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions


class ReadOnlyOrStaffWithPermission(DjangoModelPermissions):
    """Reads for everyone. Writes for an active staff user holding the permission that the
    admin asks for the same change; anyone else gets 401 (not logged in) or 403."""

    perms_map = {**DjangoModelPermissions.perms_map, "GET": [], "HEAD": [], "OPTIONS": []}

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if not (user and user.is_authenticated and user.is_active and user.is_staff):
            return False
        return super().has_permission(request, view)
