"""Fill the platform with the demo: a city federation, its districts and streets, unions, people."""

from __future__ import annotations

import logging
from contextlib import ExitStack

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from tenants.registry.demo_data import DEMO_PASSWORD, DISTRICTS, UNIONS, seed_demo
from tenants.registry.services import union_url

# Loggers that say something for every union provisioned; quiet unless asked (-v 2).
_CHATTY_LOGGERS = ("tenants.registry.services", "celery.app.trace")
_UNIONS_LISTED = 5


class Command(BaseCommand):
    help = (
        "Create the demo data: the 北京市总工会 portal, 3 districts, 6 streets with their service "
        f"stations, {len(UNIONS)} unions with officers and members, and federation staff. Safe to "
        f"run again: it only adds what is missing. Every demo account signs in with its mobile "
        f"number and the password {DEMO_PASSWORD}. Run after migrate_schemas and migrate_template."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-input", "--noinput", action="store_true", help="Never prompt (nothing asks)."
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")
        parser.add_argument(
            "--unions",
            type=int,
            default=None,
            metavar="N",
            help=f"Seed only the first N of the {len(UNIONS)} demo unions.",
        )
        parser.add_argument(
            "--sms",
            action="store_true",
            help="Send the demo's texts and mails (welcome SMS, notifications) through SMS_BACKEND and "
            "EMAIL_BACKEND (by default they are "
            "kept in memory, so the console is not flooded).",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        with ExitStack() as stack:
            if not options["sms"]:  # the demo's people are invented: texts and mails go nowhere
                stack.enter_context(
                    override_settings(
                        SMS_BACKEND="accounts.sms.LocmemSmsBackend",
                        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                    )
                )
            if verbosity < 2:
                for name in _CHATTY_LOGGERS:
                    logger = logging.getLogger(name)
                    stack.callback(logger.setLevel, logger.level)
                    logger.setLevel(logging.WARNING)
            result = seed_demo(
                unions=options["unions"], progress=not options["no_progress"] and verbosity > 0
            )
        if verbosity == 0:
            return

        streets = sum(len(d.streets) for d in DISTRICTS)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {len(result.unions)} unions ({result.unions_created} new), "
                f"{len(DISTRICTS)} districts, {streets} streets."
            )
        )
        portal_url = union_url(result.portal)
        self.stdout.write(
            f"\nFederation portal ({result.portal.name}): {portal_url}  admin: {portal_url}admin/"
        )
        if result.unions:
            self.stdout.write("Union sites:")
            width = max(len(union.name) for union in result.unions[:_UNIONS_LISTED])
            for union in result.unions[:_UNIONS_LISTED]:
                self.stdout.write(f"  {union.name.ljust(width, '　')}  {union_url(union)}")
            if len(result.unions) > _UNIONS_LISTED:
                self.stdout.write(f"  … and {len(result.unions) - _UNIONS_LISTED} more")

        self.stdout.write(
            f"\nSign in with a mobile number and the demo password {self.style.WARNING(result.password)}:"
        )
        for login in result.logins:
            self.stdout.write(f"  {login.mobile}  {login.name}  {login.label}  {login.url}")
