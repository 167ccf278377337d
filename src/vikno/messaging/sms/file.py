"""The gateway of `make run` and development: each SMS is appended to a file under var/sms/ instead of being sent,
the way Django's file e-mail backend keeps e-mail under var/mail/."""

import json

from django.conf import settings

from vikno.core import clock


class FileGateway:
    def send(self, *, to: str, text: str, delivery_id: str) -> None:
        folder = settings.SMS_FILE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        line = {"at": clock.now().isoformat(), "to": to, "text": text, "delivery": delivery_id}
        with open(folder / f"{clock.today().isoformat()}.jsonl", "a", encoding="utf-8") as file:
            file.write(json.dumps(line, ensure_ascii=False) + "\n")
