"""Static files in production: WhiteNoise's compressed, hashed-name storage,
without rewriting source-map comments.

The vendored front-end (Bootstrap, Chart.js, …) ships minified files whose last
line names a `.map` file we do not vendor; Django's manifest storage would
refuse the whole `collectstatic` over that comment. CSS `url()` and `@import`
references are still rewritten to hashed names.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns: tuple) -> tuple:
    kept = []
    for extension, rules in patterns:
        rules = tuple(r for r in rules if "sourceMappingURL" not in (r[0] if isinstance(r, tuple) else r))
        if rules:
            kept.append((extension, rules))
    return tuple(kept)


class StaticStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
