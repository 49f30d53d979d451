"""The reading room: pages for people, beside Datasette's tables for researchers.

    /-/archive/search?q=&title=&year=&month=&page=   search box first, facets, pages of results
    /-/archive/titles                                 the titles held, with their issues
    /-/archive/title?t=TITLE&year=YYYY                a calendar of a title's issues
    /-/archive/issue/M                                an issue's pages
    /-/archive/viewer/N?q=                            a page, zoomable (OpenSeadragon on the
                                                      IIIF image service), articles and hits drawn
"""

from __future__ import annotations

import calendar
import json
from urllib.parse import urlencode

from datasette.utils.asgi import NotFound, Response

from ..search import RANK_CAP, bigram_query, fts_query, snippet
from .presentation import issue_pages, word_hits

PER_PAGE = 20
MAX_QUERY = 500


def _text(value: str | None, limit: int = 100) -> str:
    return (value or "")[:limit]


async def search_page(request, datasette, db):
    q = _text(request.args.get("q"), MAX_QUERY).strip()
    title = _text(request.args.get("title"))
    year = _text(request.args.get("year"), 4)
    month = _text(request.args.get("month"), 7)
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    results, facets, total, over = [], {}, 0, False
    if q:
        # As the canned search does (metadata: queries.search): a query of Han pairs goes
        # to the pairs index, one with a lone Han character to the one-character index;
        # past RANK_CAP matches, ranking every match of a common word costs seconds on a
        # million articles, so results come newest first, the count reads "over 10,000",
        # and the facets count the newest RANK_CAP matches. Pages join only to filter.
        pairs = bigram_query(q)
        index, match = ("articles_bigrams", pairs) if pairs else ("articles_fts", fts_query(q))
        filters = [f for f, v in (("p.title = :title", title), ("substr(p.date, 1, 4) = :year", year),
                                  ("substr(p.date, 1, 7) = :month", month)) if v]
        params = {"match": match, "title": title, "year": year, "month": month, "cap": RANK_CAP}
        joined = f" join articles a on a.id = {index}.rowid join pages p on p.id = a.page_id" if filters else ""
        matching = f"from {index}{joined} where {index} match :match" + "".join(f" and {f}" for f in filters)
        total = (await db.execute(f"select count(*) from (select 1 {matching} limit :cap + 1)", params)).first()[0]
        over = total > RANK_CAP
        order = f"{index}.rowid desc" if over else f"{index}.rank"
        ids = [r[0] for r in (await db.execute(
            f"select {index}.rowid {matching} order by {order} limit :limit offset :offset",
            {**params, "limit": PER_PAGE, "offset": (page - 1) * PER_PAGE})).rows]
        by_id = {r["id"]: r for r in (await db.execute(
            "select a.id, a.page_id, a.headline, a.x, a.y, a.w, a.h, a.body, p.title, p.date, p.image_path "
            f"from articles a join pages p on p.id = a.page_id where a.id in ({','.join(map(str, ids)) or 'null'})"
        )).rows}
        for r in (by_id[i] for i in ids if i in by_id):
            box = None
            if r["image_path"] and r["x"] is not None and r["w"]:
                box = f"{max(0, int(r['x']))},{max(0, int(r['y']))},{max(1, int(r['w']))},{max(1, int(r['h']))}"
            results.append({
                "id": r["id"], "page_id": r["page_id"], "headline": r["headline"], "title": r["title"],
                "date": r["date"], "snippet": snippet((r["headline"] or "") + "\n" + (r["body"] or ""), q) or "",
                "thumb": f"/-/iiif/{r['page_id']}/{box}/!240,240/0/default.jpg" if box else None,
            })
        counted = (f"(select {index}.rowid as id {matching} order by {index}.rowid desc limit :cap) c "
                   "join articles a on a.id = c.id join pages p on p.id = a.page_id")
        for name, expr in (("title", "p.title"), ("year", "substr(p.date, 1, 4)"), ("month", "substr(p.date, 1, 7)")):
            rows = (await db.execute(f"select {expr} as value, count(*) as n from {counted} where {expr} is not null "
                                     "group by value order by n desc, value limit 20", params)).rows
            facets[name] = [{"value": r["value"], "n": r["n"],
                             "href": "?" + urlencode({"q": q, "title": title, "year": year, "month": month,
                                                      name: r["value"]})} for r in rows]
        total = min(total, RANK_CAP)
    date_from = month or year
    data_params = urlencode({"q": q, "title": title, "date_from": date_from, "date_to": date_from})
    pages = max(1, -(-total // PER_PAGE))

    def page_href(n):
        return "?" + urlencode({"q": q, "title": title, "year": year, "month": month, "page": n})

    return Response.html(await datasette.render_template("archive_search.html", {
        "q": q, "title": title, "year": year, "month": month, "results": results, "facets": facets,
        "total": total, "over": over, "page": page, "pages": pages, "database": db.name,
        "prev_href": page_href(page - 1) if page > 1 else None,
        "next_href": page_href(page + 1) if page < pages else None,
        "json_href": f"/{db.name}/search.json?{data_params}&_shape=array",
        "csv_href": f"/{db.name}/search.csv?{data_params}",
        "sql_href": f"/{db.name}/search?{data_params}",
    }, request=request))


async def titles_page(request, datasette, db):
    rows = (await db.execute(
        "select title, count(*) as issues, min(date) as first, max(date) as last from issues "
        "where title is not null group by title order by title")).rows
    other = (await db.execute("select count(*) from issues where title is null")).first()[0]
    return Response.html(await datasette.render_template("archive_titles.html", {
        "titles": [dict(r) for r in rows], "other": other, "database": db.name,
        "href": lambda t: "/-/archive/title?" + urlencode({"t": t}),
    }, request=request))


async def title_page(request, datasette, db):
    title = _text(request.args.get("t"), 300)
    issues = (await db.execute("select id, date, edition, label from issues where title = ? order by date, edition",
                               [title])).rows
    if not issues:
        raise NotFound(f"No issues of {title!r}")
    years = sorted({(r["date"] or "")[:4] for r in issues if r["date"]})
    year = _text(request.args.get("year"), 4) or (years[-1] if years else "")
    by_day: dict[str, list] = {}
    for r in issues:
        by_day.setdefault(r["date"] or "", []).append(dict(r))
    months = []
    if year.isdigit():
        cal = calendar.Calendar(firstweekday=0)
        for m in range(1, 13):
            weeks = [[{"day": d, "issues": by_day.get(f"{year}-{m:02d}-{d:02d}", []) if d else []} for d in week]
                     for week in cal.monthdayscalendar(int(year), m)]
            count = sum(len(x["issues"]) for w in weeks for x in w)
            months.append({"name": calendar.month_name[m], "weeks": weeks, "count": count})
    undated = [dict(r) for r in issues if not (r["date"] or "")[:10].count("-") == 2]
    return Response.html(await datasette.render_template("archive_title.html", {
        "title": title, "years": years, "year": year, "months": months, "undated": undated,
        "database": db.name, "year_href": lambda y: "/-/archive/title?" + urlencode({"t": title, "year": y}),
    }, request=request))


async def issue_page(request, datasette, db, iid: int):
    issue, pages = await issue_pages(db, iid)
    return Response.html(await datasette.render_template("archive_issue.html", {
        "issue": dict(issue), "pages": [dict(p) for p in pages], "database": db.name,
    }, request=request))


async def viewer_page(request, datasette, db, pid: int):
    page = (await db.execute("select * from pages where id = ?", [pid])).first()
    if page is None or not page["image_path"]:
        raise NotFound(f"No page image {pid}")
    q = _text(request.args.get("q"), MAX_QUERY).strip()
    articles = (await db.execute("select id, headline, x, y, w, h from articles where page_id = ? and x is not null "
                                 "order by reading_order", [pid])).rows
    hits = []
    if q:
        for r in (await db.execute("select words from lines where page_id = ?", [pid])).rows:
            hits += [dict(x=x0, y=y0, w=x1 - x0, h=y1 - y0)
                     for x0, y0, x1, y1 in word_hits(json.loads(r["words"] or "[]"), q)]
    overlays = {
        "width": page["width"],
        "articles": [{"id": a["id"], "headline": a["headline"] or "(no headline)", "x": a["x"], "y": a["y"],
                      "w": a["w"], "h": a["h"]} for a in articles],
        "hits": hits,
    }
    return Response.html(await datasette.render_template("archive_viewer.html", {
        "page": dict(page), "q": q, "overlays": json.dumps(overlays), "hits": len(hits), "database": db.name,
        "articles": [dict(a) for a in articles],
    }, request=request))
