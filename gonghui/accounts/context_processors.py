def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"is_cadre": user.is_cadre, "is_auditor": user.is_auditor, "is_security_admin": user.is_security_admin}
