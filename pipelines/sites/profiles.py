"""Site profiles as data: one row per portal layout (see pipelines.sites.SiteProfile).

Gains: gne-modern pages of that site, ours with the profile vs without, token F1 (mean of the
per-page values), ``python -m bench.extraction --sets gne-modern --per-page``. A profile whose
gain is not positive on the shared pages is not listed (it stays in NOT_SHIPPED with why).
"""
from __future__ import annotations

from pipelines.sites import SiteProfile

PROFILES: tuple[SiteProfile, ...] = (
    SiteProfile(
        name="wechat", version=1,
        domains=("mp.weixin.qq.com",),
        markers=('//div[@id="js_content" and contains(@class, "rich_media_content")]',
                 '//meta[@property="og:site_name" and @content="微信公众平台"]'),
        container=('//div[@id="js_content"]',),
        clutter=('.//*[contains(@class, "qr_code")]', './/mpvoice', './/mpprofile',
                 './/*[contains(@class, "js_uneditable")]'),
        gain="wechat_1 0.024 -> 1.000, wechat_2 0.880 -> 0.933 (trafilatura kept the account blurb)",
    ),
)
