"""The HTML pages the cardholder sees. Everything from outside is escaped; no scripts."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from cards import TEST_CARDS
from texts import t

CSS = b"""
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #f4f4f4; }
.banner { margin: 0; padding: .75rem 1rem; background: #ffd500; color: #000; font-weight: 700; text-align: center; }
main { max-width: 34rem; margin: 1.5rem auto; padding: 1.5rem; background: #fff; border-radius: .5rem; }
label { display: block; margin-top: 1rem; font-weight: 600; }
input { font: inherit; padding: .5rem; width: 100%; box-sizing: border-box; border: 2px solid #555; }
input[aria-invalid="true"] { border-color: #b00020; }
.hint { color: #444; font-size: .9rem; margin: 0; }
.error { color: #b00020; font-weight: 600; margin: .25rem 0 0; }
.problems { border: 3px solid #b00020; padding: .5rem 1rem; }
button { font: inherit; margin-top: 1.5rem; padding: .75rem 1.5rem; background: #005bbb; color: #fff; border: 0; }
a { color: #005bbb; }
:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .25rem .5rem; }
td:first-child { font-family: monospace; white-space: nowrap; }
"""


def money(order: dict[str, Any]) -> str:
    return f"{Decimal(order['amount']):.2f} {order['currency']}"


def page(language: str, title: str, body: str) -> bytes:
    return (
        f'<!doctype html>\n<html lang="{escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="/sandbox.css"></head><body>'
        f'<p class="banner" role="note">{escape(t("banner", language))}</p>'
        f"<main><h1>{escape(title)}</h1>{body}</main></body></html>\n"
    ).encode()


def message(language: str, title_key: str, *paragraphs: str, link: str = "", detail: str = "") -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    if detail:
        body += "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in detail.splitlines()) + "</ul>"
    if link:
        body += f'<p><a href="{escape(link)}">{escape(t("back", language))}</a></p>'
    return page(language, t(title_key, language), body)


def summary(order: dict[str, Any]) -> str:
    lang = order["language"]
    return (
        f"<dl><dt>{escape(t('purpose', lang))}</dt><dd>{escape(order['description'])}</dd>"
        f"<dt>{escape(t('amount', lang))}</dt><dd>{escape(money(order))}</dd></dl>"
    )


def _field(lang: str, name: str, problems: dict[str, str], value: str, extra: str, hint: str = "") -> str:
    described = [f"{name}-hint"] if hint else []
    html = f'<label for="{name}">{escape(t(name, lang))}</label>'
    if hint:
        html += f'<p class="hint" id="{name}-hint">{escape(hint)}</p>'
    if name in problems:
        described.append(f"{name}-error")
        html += f'<p class="error" id="{name}-error">{escape(t(problems[name], lang))}</p>'
    invalid = ' aria-invalid="true"' if name in problems else ""
    describedby = f' aria-describedby="{" ".join(described)}"' if described else ""
    return html + f'<input id="{name}" name="{name}" value="{escape(value)}" required{invalid}{describedby} {extra}>'


def checkout(order: dict[str, Any], problems: dict[str, str] | None = None, expiry: str = "") -> bytes:
    lang, problems = order["language"], problems or {}
    body = summary(order)
    if problems:
        items = "".join(f'<li><a href="#{f}">{escape(t(k, lang))}</a></li>' for f, k in problems.items())
        body += f'<div class="problems" role="alert"><h2>{escape(t("problems", lang))}</h2><ul>{items}</ul></div>'
    action = f"/checkout/{escape(order['token'])}"
    body += (
        f'<form method="post" action="{action}" novalidate>'
        # The number and the CVV are never sent back into the page.
        + _field(lang, "card", problems, "", 'inputmode="numeric" autocomplete="cc-number"', t("card_hint", lang))
        + _field(lang, "expiry", problems, expiry, 'autocomplete="cc-exp" placeholder="MM/YY"')
        + _field(lang, "cvv", problems, "", 'inputmode="numeric" autocomplete="cc-csc" maxlength="3"')
        + f'<button type="submit">{escape(t("pay", lang, amount=money(order)))}</button></form>'
        f'<p><a href="{action}/cancel">{escape(t("cancel", lang))}</a></p>'
    )
    rows = "".join(
        f"<tr><td>{' '.join(n[i : i + 4] for i in range(0, 16, 4))}</td><td>{escape(t('card_' + o, lang))}</td></tr>"
        for n, o in TEST_CARDS.items()
    )
    rows += f"<tr><td>…</td><td>{escape(t('card_other', lang))}</td></tr>"
    body += (
        f'<section aria-labelledby="test-cards"><h2 id="test-cards">{escape(t("test_cards", lang))}</h2>'
        f"<p>{escape(t('test_cards_hint', lang))}</p><table><thead><tr>"
        f'<th scope="col">{escape(t("col_card", lang))}</th><th scope="col">{escape(t("col_outcome", lang))}</th>'
        f"</tr></thead><tbody>{rows}</tbody></table></section>"
    )
    return page(lang, t("title_pay", lang), body)


def three_ds(order: dict[str, Any]) -> bytes:
    lang = order["language"]
    body = (
        summary(order)
        + f"<p>{escape(t('3ds_intro', lang))}</p><p><strong>{escape(t('3ds_demo', lang))}</strong></p>"
        + f'<form method="post" action="/checkout/{escape(order["token"])}/3ds" novalidate>'
        + f'<label for="code">{escape(t("code", lang))}</label>'
        + '<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>'
        + f'<button type="submit">{escape(t("confirm", lang))}</button></form>'
    )
    return page(lang, t("3ds_title", lang), body)


def outcome(order: dict[str, Any]) -> bytes:
    """Where the browser lands after paying when the service gave no result_url (or while the bank is silent)."""
    lang, status = order["language"], order["status"]
    link = order["result_url"]
    if status == "processing":
        return message(lang, "processing", t("processing_text", lang), link=link)
    reason = t(f"reason_{order['err_code']}", lang) if status == "failure" else ""
    return message(lang, "finished", money(order), t(f"status_{status}", lang, reason=reason), link=link)
