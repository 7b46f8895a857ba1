"""Translation economy benchmark: a generated 2,000-message EN/FR/ES chat through ChatTranslator
(cache, micro-batching, skipping, entity placeholders) and through a naive baseline (one DeepL request
per message per target language), both against the loopback fake DeepL, in the same run.

    python bench/translation.py            # the economy benchmark (about 10 s)
    python bench/translation.py --detect   # local language detection on the labelled chat sample

Virtual time drives arrivals, the batching window and deadlines, and each request takes `--latency`
(150 ms) of it, as a remote DeepL does (a target's next batch leaves when its previous request returns, so
that time is what shapes the batches); HTTP to the fake is real, and its duration is added too. "Added
latency" is the time from a message's arrival to the end of the request that translated it.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import deepl  # noqa: E402
from pydantic import SecretStr  # noqa: E402

from bot.adapters.translation.deepl import DEEPL_RETRY, DeepLTranslator  # noqa: E402
from bot.adapters.translation.glossary import load_glossary  # noqa: E402
from bot.app.ports.translation import Lang, SourceText, Status, Translation  # noqa: E402
from bot.app.translation.forwarding import ForwardingTranslator  # noqa: E402
from bot.app.translation.service import ChatTranslator  # noqa: E402
from bot.domain.grammar import parse  # noqa: E402
from bot.testing.timing import VirtualWaits  # noqa: E402
from tests.fakes.deepl_server import running_fake_deepl  # noqa: E402

LANG_SHARE: list[tuple[Lang, float]] = [("en", 0.55), ("fr", 0.25), ("es", 0.20)]
TARGET_CODE = {"en": "EN-GB", "fr": "FR", "es": "ES"}

THANKS = {
    "en": ["Thank you!", "Thanks", "Thank you, very helpful", "Great presentation, thank you", "Thanks all"],
    "fr": ["Merci !", "Merci beaucoup", "Merci pour cette présentation", "Très intéressant, merci"],
    "es": ["¡Gracias!", "Muchas gracias", "Gracias por la presentación", "Muy interesante, gracias"],
}
APPLAUSE = ["👏", ":clap:", "👏👏👏", ":+1:", "🙏", ":raised_hands:", "👍🏽"]
COMMANDS = {
    "en": ["q+", "hand", "raise hand", "q-", "q?", "q+ to ask about remedy", "/floor"],
    "fr": ["main", "main levée", "je demande la parole", "q+", "ma place"],
    "es": ["mano", "pido la palabra", "q+", "mi turno", "levanto la mano"],
}
GREETINGS = {
    "en": ["Good morning from {city}", "Hello everyone, {city} here", "Greetings from {city}!"],
    "fr": ["Bonjour depuis {city}", "Bonjour à toutes et à tous, ici {city}", "Salutations de {city} !"],
    "es": ["Buenos días desde {city}", "Hola a todos, desde {city}", "¡Saludos desde {city}!"],
}
CITIES = ["Geneva", "Nairobi", "Bogotá", "Dakar", "Madrid", "Montréal", "Lima", "Manila", "Brussels", "Abidjan"]
SUBSTANTIVE = {
    "en": [
        "How should {actor} carry out {term} when {context}?",
        "I think {term} is the key issue for {actor}, especially when {context}.",
        "Could the panel say more about {term} and what it means for {actor}?",
        "<@{user}> good point: {term} cannot be left to {actor} alone.",
        "In our experience, {actor} rarely consider {term} when {context}.",
    ],
    "fr": [
        "Comment {actor} devraient-ils mettre en œuvre {term} lorsqu'{context} ?",
        "À mon avis, {term} est la question centrale pour {actor}.",
        "Le panel peut-il préciser ce que {term} implique pour {actor} ?",
        "<@{user}> tout à fait : {term} ne peut pas être laissé aux seuls {actor}.",
    ],
    "es": [
        "¿Cómo deberían {actor} aplicar {term} cuando {context}?",
        "Creo que {term} es la cuestión central para {actor}.",
        "¿Podría el panel explicar qué implica {term} para {actor}?",
        "<@{user}> de acuerdo: {term} no puede quedar solo en manos de {actor}.",
    ],
}
ACTORS = {
    "en": ["States", "tech companies", "platforms", "investors", "regulators", "start-ups"],
    "fr": ["les États", "les entreprises technologiques", "les plateformes", "les investisseurs"],
    "es": ["los Estados", "las empresas tecnológicas", "las plataformas", "los inversores"],
}
CONTEXTS = {
    "en": [
        "they design AI systems",
        "they moderate content",
        "they sell surveillance tools",
        "governments buy their services",
        "they enter conflict-affected areas",
    ],
    "fr": [
        "elles conçoivent des systèmes d'IA",
        "elles modèrent des contenus",
        "elles vendent des outils de surveillance",
    ],
    "es": ["diseñan sistemas de IA", "moderan contenidos", "venden herramientas de vigilancia"],
}
LINKS = [
    "https://www.ohchr.org/en/business-and-human-rights/b-tech-project",
    "<https://www.ohchr.org/en/publications/reference-publications/guiding-principles-business-and-human-rights|UNGPs>",
    "https://undocs.org/A/HRC/50/56",
]
LINK_TEXT = {"en": "See also {link}", "fr": "Voir aussi {link}", "es": "Véase también {link}"}


@dataclass
class Message:
    at: float
    lang: Lang
    text: str
    kind: str
    burst: bool


def generate(count: int = 2000, seed: int = 2022) -> list[Message]:
    """A two-day consultation's chat: bursts after each intervention, sparse talk in between."""
    rng = random.Random(seed)
    terms = {lang: [t.in_lang(lang) for t in load_glossary().terms] for lang in ("en", "fr", "es")}
    users = [f"U{n:04d}" for n in range(80)]

    def lang_pick() -> Lang:
        return rng.choices([lang for lang, _ in LANG_SHARE], [w for _, w in LANG_SHARE])[0]

    def make(lang: Lang, burst: bool) -> tuple[str, str]:
        weights = {"thanks": 40, "applause": 15, "command": 10, "greeting": 5, "substantive": 25, "link": 5}
        if not burst:
            weights = {"thanks": 10, "applause": 5, "command": 5, "greeting": 5, "substantive": 60, "link": 15}
        kind = rng.choices(list(weights), list(weights.values()))[0]
        if kind == "thanks":
            return kind, rng.choice(THANKS[lang])
        if kind == "applause":
            return kind, rng.choice(APPLAUSE)
        if kind == "command":
            return kind, rng.choice(COMMANDS[lang])
        if kind == "greeting":
            return kind, rng.choice(GREETINGS[lang]).format(city=rng.choice(CITIES))
        if kind == "link":
            link = rng.choice(LINKS)
            return kind, link if rng.random() < 0.5 else LINK_TEXT[lang].format(link=link)
        text = rng.choice(SUBSTANTIVE[lang]).format(
            actor=rng.choice(ACTORS[lang]),
            term=rng.choice(terms[lang]).lower() if lang != "en" else rng.choice(terms[lang]),
            context=rng.choice(CONTEXTS[lang]),
            user=rng.choice(users),
        )
        return kind, text

    messages: list[Message] = []
    now = 0.0
    while len(messages) < count:
        # a quiet stretch, then an intervention ends and the chat bursts
        for _ in range(rng.randint(1, 6)):
            now += rng.expovariate(1 / 40)
            lang = lang_pick()
            kind, text = make(lang, burst=False)
            messages.append(Message(now, lang, text, kind, False))
        now += rng.expovariate(1 / 60)
        for _ in range(rng.randint(20, 45)):
            now += rng.expovariate(1 / 0.25)  # about four messages a second
            lang = lang_pick()
            kind, text = make(lang, burst=True)
            messages.append(Message(now, lang, text, kind, True))
    return messages[:count]


class Measuring(ForwardingTranslator):
    """Wraps a Translator; remembers, per (text, target), when its request started (virtual) and how
    long it took (real), and how many HTTP requests each call made."""

    def __init__(self, inner: DeepLTranslator, waits: VirtualWaits, latency: float) -> None:
        self.inner = inner
        self.waits = waits
        self.latency = latency
        self._io: set[asyncio.Future[tuple[list[Translation], int, float]]] = set()
        self._one_at_a_time = asyncio.Lock()
        self.name = inner.name
        self.request_log: list[tuple[float, int]] = []  # (virtual start, HTTP requests)
        self.timing: dict[tuple[str, Lang], tuple[float, float]] = {}

    async def translate(self, texts: Sequence[SourceText], target: Lang) -> list[Translation]:
        started = self.waits.now()
        await self.waits.sleep(self.latency)
        call = asyncio.ensure_future(self._request(texts, target))
        self._io.add(call)
        try:
            results, requests, duration = await call
        finally:
            self._io.discard(call)
        self.request_log.append((started, requests))
        for source in texts:
            self.timing[(source.text, target)] = (started, duration)
        return results

    async def _request(self, texts: Sequence[SourceText], target: Lang) -> tuple[list[Translation], int, float]:
        async with self._one_at_a_time:  # so that the request count is this call's alone
            before, real = self.inner.requests_made, time.perf_counter()
            results = await self.inner.translate(texts, target)
            return results, self.inner.requests_made - before, self.latency + time.perf_counter() - real

    async def real_io(self) -> None:
        """Wait for the HTTP exchanges under way: they take no virtual time."""
        while self._io:
            await asyncio.gather(*self._io, return_exceptions=True)


@dataclass
class ArmResult:
    requests: int = 0
    burst_requests: int = 0
    billed: int = 0
    billed_repeats_and_commands: int = 0
    latencies: list[float] = field(default_factory=list)  # messages that needed a request
    per_message_billed: list[int] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def burst_spans(messages: list[Message]) -> list[tuple[float, float]]:
    spans: list[tuple[float, float]] = []
    for message in messages:
        if message.burst:
            if spans and message.at - spans[-1][1] < 5:
                spans[-1] = (spans[-1][0], message.at)
            else:
                spans.append((message.at, message.at))
    return spans


async def run_ours(messages: list[Message], window: float = 0.1, latency: float = 0.15) -> ArmResult:
    result = ArmResult()
    with running_fake_deepl() as fake:
        virtual = VirtualWaits()
        backend = DeepLTranslator(
            SecretStr(fake.auth_key), server_url=fake.url, glossary=load_glossary(), retry=DEEPL_RETRY, waits=virtual
        )
        measuring = Measuring(backend, virtual, latency)
        chat = ChatTranslator(measuring, waits=virtual, window=window)
        await chat.start()
        seen: set[tuple[str, Lang]] = set()
        repeat_or_command: list[bool] = []
        tasks = []
        history: list[str] = []
        for message in messages:
            await virtual.advance_to(message.at, between=measuring.real_io)
            repeat_or_command.append((message.text, message.lang) in seen or message.kind in ("command",))
            seen.add((message.text, message.lang))
            tasks.append(
                asyncio.ensure_future(
                    chat.translate_message(message.text, channel_lang=message.lang, context=history[-5:],
                                           is_command=parse(message.text) is not None)
                )
            )
            history.append(message.text)
        await virtual.advance(5.0, between=measuring.real_io)
        outcomes = await asyncio.gather(*tasks)
        spans = burst_spans(messages)
        for started, count in measuring.request_log:
            result.requests += count
            if any(a <= started <= b + 1.5 for a, b in spans):
                result.burst_requests += count
        for message, outcome, flagged in zip(messages, outcomes, repeat_or_command, strict=True):
            billed = outcome.billed_characters
            result.billed += billed
            result.per_message_billed.append(billed)
            if flagged:
                result.billed_repeats_and_commands += billed
            waits = []
            for target, translation in outcome.translations.items():
                result.statuses[translation.status.value] = result.statuses.get(translation.status.value, 0) + 1
                if translation.status is not Status.TRANSLATED:
                    continue
                started, duration = measuring.timing[(message.text, target)]
                if started >= message.at:  # its own request, or one it shared while in flight
                    waits.append(started - message.at + duration)
            if waits:
                result.latencies.append(max(waits))
        assert fake.translate_calls == result.requests, (fake.translate_calls, result.requests)
        await chat.aclose()
    return result


def run_naive(messages: list[Message], latency: float = 0.15) -> ArmResult:
    """One request per message per other language: no cache, no batching, no skipping."""
    result = ArmResult()
    deepl.http_client.max_network_retries = 0
    with running_fake_deepl() as fake:
        client = deepl.DeepLClient(fake.auth_key, server_url=fake.url)
        for message in messages:
            billed = 0
            durations = []
            for target in ("en", "fr", "es"):
                if target == message.lang:
                    continue
                started = time.perf_counter()
                answer = client.translate_text(
                    message.text, source_lang=message.lang.upper(), target_lang=TARGET_CODE[target]
                )
                durations.append(latency + time.perf_counter() - started)
                billed += int(answer.billed_characters)
                result.requests += 1
                if message.burst:
                    result.burst_requests += 1
            result.billed += billed
            result.per_message_billed.append(billed)
            result.latencies.append(max(durations))
        assert fake.translate_calls == result.requests
    return result


def report(messages: list[Message], ours: ArmResult, naive: ArmResult) -> str:
    kinds: dict[str, int] = {}
    for message in messages:
        kinds[message.kind] = kinds.get(message.kind, 0) + 1
    langs = {lang: sum(1 for m in messages if m.lang == lang) for lang in ("en", "fr", "es")}
    above = sum(1 for o, n in zip(ours.per_message_billed, naive.per_message_billed, strict=True) if o > n)
    duration_h = messages[-1].at / 3600
    lines = [
        f"Chat: {len(messages)} messages over {duration_h:.1f} h of virtual time, "
        f"{sum(m.burst for m in messages)} of them in {len(burst_spans(messages))} bursts; languages "
        + ", ".join(f"{k} {v}" for k, v in langs.items())
        + "; kinds "
        + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        + ".",
        "",
        "| | naive (1 request per message per language) | Floorbot (skip + cache + batch) | ratio |",
        "|---|---:|---:|---:|",
        f"| DeepL requests, whole chat | {naive.requests} | {ours.requests} | "
        f"1/{naive.requests / max(1, ours.requests):.1f} |",
        f"| DeepL requests during bursts | {naive.burst_requests} | {ours.burst_requests} | "
        f"1/{naive.burst_requests / max(1, ours.burst_requests):.1f} |",
        f"| billed characters | {naive.billed} | {ours.billed} | {ours.billed / max(1, naive.billed):.2f} |",
        f"| billed characters for repeats and commands | — | {ours.billed_repeats_and_commands} | |",
        f"| messages billed above naive | — | {above} | |",
        f"| added latency p50 (messages sent to DeepL) | {naive_ms(naive, 0.5)} | {naive_ms(ours, 0.5)} | |",
        f"| added latency p99 (messages sent to DeepL) | {naive_ms(naive, 0.99)} | {naive_ms(ours, 0.99)} | |",
        "",
        "Floorbot outcomes per (message, target): "
        + ", ".join(f"{k} {v}" for k, v in sorted(ours.statuses.items()))
        + f"; {len(ours.latencies)} messages needed a request.",
    ]
    return "\n".join(lines)


def naive_ms(arm: ArmResult, q: float) -> str:
    return f"{percentile(arm.latencies, q) * 1000:.0f} ms"


def detection_report() -> str:
    sample = ROOT / "tests" / "translate" / "data" / "chat_languages.tsv"
    rows = [line.rstrip("\n").split("\t") for line in sample.read_text(encoding="utf-8").splitlines() if line]
    from bot.app.translation.detect import LocalDetector

    detectors: list[tuple[str, object]] = [("py3langid", LocalDetector())]
    try:
        from lingua import Language, LanguageDetectorBuilder

        lingua = LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.FRENCH, Language.SPANISH).build()
        codes = {Language.ENGLISH: "en", Language.FRENCH: "fr", Language.SPANISH: "es"}

        class Lingua:
            def classify(self, text: str) -> tuple[str | None, float]:
                values = lingua.compute_language_confidence_values(text)
                best = max(values, key=lambda v: v.value)
                return codes.get(best.language), best.value

        detectors.append(("lingua", Lingua()))
    except ImportError:
        pass
    out = [
        f"Sample: {len(rows)} short chat lines (tests/translate/data/chat_languages.tsv).",
        "",
        "| detector | accuracy | p50 | p99 | confident (≥0.8) | accuracy when confident |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, detector in detectors:
        detector.classify("warm up")  # type: ignore[attr-defined]
        correct = confident = confident_ok = 0
        timings = []
        for lang, text in rows:
            started = time.perf_counter()
            guess, probability = detector.classify(text)  # type: ignore[attr-defined]
            timings.append(time.perf_counter() - started)
            correct += guess == lang
            if probability >= 0.8:
                confident += 1
                confident_ok += guess == lang
        out.append(
            f"| {name} | {correct / len(rows):.1%} | {statistics.median(timings) * 1e3:.3f} ms | "
            f"{percentile(timings, 0.99) * 1e3:.3f} ms | {confident / len(rows):.0%} | "
            f"{confident_ok / max(1, confident):.1%} |"
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detect", action="store_true", help="measure local language detection instead")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--window", type=float, default=0.1, help="seconds a quiet message waits for company")
    parser.add_argument("--latency", type=float, default=0.15, help="seconds each DeepL request takes")
    args = parser.parse_args()
    if args.detect:
        print(detection_report())
        return
    messages = generate(args.messages)
    ours = asyncio.run(run_ours(messages, args.window, args.latency))
    naive = run_naive(messages, args.latency)
    print(report(messages, ours, naive))


if __name__ == "__main__":
    main()
