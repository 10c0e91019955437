from django.conf import settings


def site(request):
    return {"SITE_NAME": "质量奖 Cycles", "SITE_URL": settings.SITE_URL}
