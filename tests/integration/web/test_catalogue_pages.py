"""The public catalogue as HTML: content negotiation, search, languages, every Annex I element,
escaping, pagination, 404."""

from __future__ import annotations

import re

from api_support import DESCRIPTION
from web_support import FRENCH, PAGE_SIZE, WebEnv, description

from microcred.web import STYLESHEET_PATH

GALWAY = "Data Protection by Design"
LYON = "Université Claude Bernard Lyon 1"
FRENCH_TITLE = "Fondamentaux de la cybersécurité"
ENGLISH_TITLE = "Cybersecurity fundamentals"
ESCO = "http://data.europa.eu/esco/skill/80f308e6-0e09-404a-80cd-ec5f50f6f304"


def _two(web: WebEnv) -> tuple[str, str]:
    return web.publish(DESCRIPTION), web.publish(FRENCH, by=LYON)


def _titles(html: str) -> list[str]:
    return re.findall(
        r'<h3 id="title-\d+"><a href="/catalogue/[^"]+"><span lang="[^"]+">([^<]+)<', html
    )


def test_browsers_get_html_and_every_other_client_json(web: WebEnv) -> None:
    version_id = web.publish(DESCRIPTION)
    page = web.page("/catalogue")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert (
        "Accept" in page.headers["vary"]
        and "default-src 'none'" in page.headers["content-security-policy"]
    )
    assert page.text.count("<h1>") == 1 and _titles(page.text) == [GALWAY]
    for accept in (None, "*/*", "application/json", "text/html;q=0.5, application/json"):
        headers = {"Accept": accept} if accept else {}
        answer = web.api.client.get("/catalogue", headers=headers)
        assert answer.headers["content-type"] == "application/json", accept
        assert [i["id"] for i in answer.json()["items"]] == [version_id]
        one = web.api.client.get(f"/catalogue/{version_id}", headers=headers)
        assert one.json()["id"] == version_id
    assert web.page("/catalogue?format=json").json()["items"][0]["id"] == version_id
    detail = web.page(f"/catalogue/{version_id}")
    assert detail.headers["content-type"].startswith("text/html")
    assert web.page(f"/catalogue/{version_id}?format=json").json()["id"] == version_id
    css = web.page(STYLESHEET_PATH)
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert ":focus-visible" in css.text
    assert "/catalogue/{version_id}" in web.api.client.get("/openapi.json").json()["paths"]


def test_search_filters_change_the_results(web: WebEnv) -> None:
    _two(web)
    lyon_id, _ = web.provider(LYON)
    everything = (
        "q=&organisation=&eqf_level=&ects_min=&ects_max=&language=&participation=&esco_skill="
    )
    assert sorted(_titles(web.page(f"/catalogue?{everything}").text)) == [GALWAY, FRENCH_TITLE]
    for query, titles in (
        ("q=gdpr", [GALWAY]),
        ("q=hameçonnage", [FRENCH_TITLE]),
        (f"organisation={lyon_id}", [FRENCH_TITLE]),
        ("eqf_level=6", [GALWAY]),
        ("eqf_level=7", []),
        ("ects_min=4", [GALWAY]),
        ("ects_max=3", [FRENCH_TITLE]),
        ("ects_min=3&ects_max=5", [GALWAY, FRENCH_TITLE]),
        ("language=fr", [FRENCH_TITLE]),
        ("language=en", [GALWAY]),
        ("participation=blended", [FRENCH_TITLE]),
        ("participation=online", [GALWAY]),
        (f"esco_skill={ESCO}", [FRENCH_TITLE]),
        ("eqf_level=5&participation=online", []),
    ):
        page = web.page(f"/catalogue?{query}")
        assert page.status_code == 200, query
        assert sorted(_titles(page.text)) == sorted(titles), query
        if not titles:
            assert "No micro-credential matches this search." in page.text
    # the form shows the search it answered
    page = web.page(f"/catalogue?organisation={lyon_id}&eqf_level=5&participation=blended")
    assert f'<option value="{lyon_id}" selected>{LYON}</option>' in page.text
    assert '<option value="5" selected>Level 5</option>' in page.text
    assert '<option value="blended" selected>Blended</option>' in page.text
    assert 'name="q" type="search" value=""' in page.text


def test_bad_filters_are_reported_next_to_their_field(web: WebEnv) -> None:
    web.publish(DESCRIPTION)
    page = web.page("/catalogue?eqf_level=12&ects_min=lots&esco_skill=not an iri")
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert "Choose an EQF level from 1 to 8." in page.text
    assert "Enter a number of credits from 0 to 1000." in page.text
    assert 'id="eqf_level" name="eqf_level" aria-describedby="eqf_level-error" aria-invalid' in (
        page.text
    )
    assert _titles(page.text) == []
    assert web.page("/catalogue?ects_min=6&ects_max=2").status_code == 422
    assert web.api.client.get("/catalogue?eqf_level=12").status_code == 422  # JSON unchanged


def test_titles_follow_accept_language(web: WebEnv) -> None:
    _, lyon = _two(web)
    french = web.page("/catalogue?language=fr", **{"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert f'<span lang="fr">{FRENCH_TITLE}</span>' in french.text
    assert ENGLISH_TITLE not in french.text
    english = web.page("/catalogue?language=fr", **{"Accept-Language": "en-GB,en;q=0.8"})
    assert f'<span lang="en">{ENGLISH_TITLE}</span>' in english.text
    # a language it is not written in falls back to English
    assert ENGLISH_TITLE in web.page("/catalogue", **{"Accept-Language": "de"}).text
    detail = web.page(f"/catalogue/{lyon}", **{"Accept-Language": "fr"})
    assert f'<h1><span lang="fr">{FRENCH_TITLE}</span></h1>' in detail.text
    assert "Identifier les principales menaces" in detail.text


def test_the_detail_page_shows_every_annex_i_element(web: WebEnv) -> None:
    version_id = web.publish(DESCRIPTION)
    page = web.page(f"/catalogue/{version_id}")
    assert page.status_code == 200 and page.text.count("<h1>") == 1
    text = page.text
    for label in (
        "Title",
        "Provider",
        "Country and region of the provider",
        "Learner and date of issue",
        "Learning outcomes",
        "Workload",
        "EQF level",
        "Type of assessment",
        "Form of participation",
        "Quality assurance",
        "Prerequisites",
        "Supervision and identity check",
        "Grading",
        "Stackability",
        "Further information",
    ):
        assert re.search(rf"<(dt|h2 id=\"[a-z-]+\")>{label}</", text), label
    for value in (
        "University of Galway",
        "Ireland (region IE042)",
        "SCHAC universityofgalway.ie",
        "Carry out a data protection impact assessment for a software system.",
        "5 ECTS credits · 125 hours of learning",
        "Level 6 · QF-EHEA first cycle",
        "<dd>written examination, project work</dd>",
        "Where the assessment takes place</dt><dd>Online</dd>",
        "<dd>Online</dd>",
        "Supervised with ID Verification",
        "Institutional Quality Assurance",
        "Quality and Qualifications Ireland",
        "A bachelor&#39;s degree or two years of professional experience",
        "Pass / Fail</span> (status); from lowest to highest: Fail, Pass",
        "integrated, stackable towards another credential",
        ">Postgraduate Certificate in Data Protection</a>",
        '<a href="https://www.universityofgalway.ie/microcredentials">',
        "non-formal learning",
    ):
        assert value in text, value
    assert f'href="/achievements/{version_id}"' in text
    assert f"https://issuer.example/achievements/{version_id}" in text
    assert f'href="/catalogue/{version_id}?format=json"' in text
    achievement = web.api.client.get(f"/achievements/{version_id}")
    assert "Achievement" in achievement.json()["type"]


def test_esco_skills_and_missing_optional_elements(web: WebEnv) -> None:
    _, lyon = _two(web)
    text = web.page(f"/catalogue/{lyon}").text
    assert f'communicate with target community</span> – <a href="{ESCO}">{ESCO}</a>' in text
    assert "3 ECTS credits · 75 hours of learning" in text
    bare = description(DESCRIPTION, id="bare")
    for optional in ("prerequisites", "grading", "stackability", "further_information"):
        bare.pop(optional)
    text = web.page(f"/catalogue/{web.publish(bare)}").text
    assert "<dt>Grading</dt><dd>" in text and "None stated" in text
    assert text.count('<span class="missing">Not stated</span>') >= 2


def test_user_supplied_text_is_escaped(web: WebEnv) -> None:
    hostile = description(
        DESCRIPTION,
        id="hostile",
        title={"en": "<b>Bold</b> & co"},
        description={"en": "<script>alert('owned')</script>"},
    )
    version_id = web.publish(hostile)
    for url in ("/catalogue", f"/catalogue/{version_id}"):
        text = web.page(url).text
        assert "<script" not in text and "<b>" not in text, url
        assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in text, url
        assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in text, url
    echoed = web.page('/catalogue?q="><script>x</script>').text
    assert "<script" not in echoed
    assert 'value="&#34;&gt;&lt;script&gt;x&lt;/script&gt;"' in echoed
    missing = web.page("/catalogue/<img src=x>").text
    assert "<img" not in missing and "&lt;img src=x&gt;" in missing


def test_results_are_paginated_and_links_keep_the_search(web: WebEnv) -> None:
    published = {
        web.publish(description(DESCRIPTION, id=f"course-{n}", title={"en": f"Course {n}"}))
        for n in range(5)
    }
    assert len(published) == 5
    seen: list[str] = []
    url: str | None = "/catalogue?q=course&eqf_level=6"
    pages = 0
    while url:
        page = web.page(url)
        assert page.status_code == 200
        pages += 1
        titles = _titles(page.text)
        assert 1 <= len(titles) <= PAGE_SIZE
        seen += titles
        prev = re.search(r'<a href="([^"]+)" rel="prev">', page.text)
        assert (prev is not None) == (pages > 1)
        if prev:
            assert prev.group(1).replace("&amp;", "&") == (
                "/catalogue?q=course&eqf_level=6" + (f"&page={pages - 1}" if pages > 2 else "")
            )
        found = re.search(r'<a href="([^"]+)" rel="next">', page.text)
        url = found.group(1).replace("&amp;", "&") if found else None
        if url:
            assert url == f"/catalogue?q=course&eqf_level=6&page={pages + 1}"
            assert f'<link rel="next" href="{found.group(1)}">' in page.text  # type: ignore[union-attr]
    assert pages == 3 and sorted(seen) == [f"Course {n}" for n in range(5)]
    assert '<ol class="cards" start="5">' in web.page("/catalogue?q=course&page=3").text
    assert "There are no more results." in web.page("/catalogue?page=9").text
    assert web.page("/catalogue?page=0").status_code == 422


def test_an_unknown_or_unpublished_version_is_a_404_page(web: WebEnv) -> None:
    page = web.page("/catalogue/no-such-version")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Micro-credential not found</h1>" in page.text
    assert '<a href="/catalogue">Browse the catalogue</a>' in page.text
    _, headers = web.provider("University of Galway")
    draft = web.api.client.post(
        "/api/v1/catalogue/entries", json={"description": DESCRIPTION}, headers=headers
    ).json()["version"]["id"]
    assert web.page(f"/catalogue/{draft}").status_code == 404
    problem = web.api.client.get("/catalogue/no-such-version")
    assert problem.status_code == 404
    assert problem.headers["content-type"] == "application/problem+json"
