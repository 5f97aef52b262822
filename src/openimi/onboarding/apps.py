from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "openimi.onboarding"
    label = "onboarding"
    verbose_name = "Onboarding"
