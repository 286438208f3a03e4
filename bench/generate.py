"""Synthetic scraped catalogues with their ground truth, from a thousand entries up.

    .venv/bin/python bench/generate.py OUT_DIR --entries 10000 --seed 7

A world of researchers is drawn first: labs in fields (each with its own
categories and vocabulary), people with realistic surname frequencies (a Zipf
law over a pool that grows with the world, so common surnames form large
blocks), middle initials, hyphenated and accented surnames, nicknames,
namesakes working in other fields, and careers that move from one field to
another. Papers come from labs, their authors mostly from the lab.

Then the web is scraped: each profile page lists the papers of one person
(its owner), rendered in one of the five page shapes or as a structured table,
with the noise real pages have: author lists cut to three plus "et al.",
abstract-only listings, dates a few days apart or without a year, names
spelled differently (hyphen or space, accents dropped, nicknames, initials,
middle initials shown or not, the odd typo), and, for owners with a namesake,
a few of the namesake's papers leaked onto the page.

Written beside `OUT_DIR/input/`:

- `truth/entries.csv`: path, position, paper, persons (`;`-joined person ids
  of the full author list, byline order), shown (names the page shows), misattributed;
- `truth/pages.csv`: path, shape, owner person id;
- `answer_key.csv` (paper pairs) and `answer_key_persons.csv` (mention pairs),
  both by record_key, as `bylines label --answer-key` and `bylines evaluate` read them.

Deterministic from the seed: the same arguments write the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import itertools
import json
import random
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import pages

# ---- the world --------------------------------------------------------------------

COMMON_SURNAMES = (
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Lin He Gao Luo "
    "Kim Lee Park Choi Jung Kang Cho Yoon Nguyen Tran Le Pham Kumar Singh Sharma Patel Gupta "
    "Smith Johnson Williams Brown Jones Miller Davis Garcia Rodriguez Wilson Martinez Anderson "
    "Taylor Thomas Moore Jackson Martin Thompson White Harris Clark Lewis Walker Hall Young "
    "Allen King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter "
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Rossi Russo "
    "Ferrari Esposito Bianchi Romano Silva Santos Oliveira Souza Costa Pereira Dubois Bernard "
    "Petit Durand Leroy Moreau Laurent Ivanov Petrov Smirnov Sato Suzuki Takahashi Tanaka "
    "Watanabe Ito Yamamoto Nakamura Kobayashi Cohen Levi Novak Kowalski Nowak Jansen Bakker"
).split()
ACCENTED = (
    "Lukošiūtė Dvořák Šimková Gómez Hernández Pérez Sánchez Jiménez Müller Schröder Krüger "
    "Ødegård Sørensen Håkansson Öztürk Yılmaz Çelik Nuñez Peña Grönlund Kovač Horváth Łukasik "
    "Wójcik Dąbrowski François Lefèvre Câmara Conceição"
).split()
HYPHENATED = "El-Showk Hatfield-Dodds Ben-David Abu-Bakr Smith-Jones Garcia-Lopez".split()
SYLLABLES = (
    "ka ri to mi na be lo sa de vu ren tal mor gan sel vik dor an el is on ar ber hol "
    "stein berg feld mann son sen ski ova ez ini ato ura"
).split()
GIVEN = (
    "Samuel William Robert Elizabeth Katherine Michael Christopher Jennifer Daniel Nicholas "
    "Benjamin Alexander Jonathan Thomas Joseph Andrew Matthew Anthony Margaret Patricia "
    "Rebecca Victoria Jessica Stephanie Wei Jian Xin Yu Hao Min Jun Ji Hyun Priya Arjun "
    "Rahul Ananya Carlos Elena Sofia Lucas Mateo Ahmed Fatima Omar Layla Olga Ivan Dmitri "
    "Anna Yuki Kenji Haruto Sakura Hans Klaus Greta Pierre Claire Amelie Marco Giulia "
    "Paolo Chiara Lars Ingrid Tomas Eva Nadia Youssef Tom Sam Ben Kate Alex Nick Dan"
).split()
NICKNAMES = {
    "Samuel": "Sam",
    "William": "Bill",
    "Robert": "Bob",
    "Elizabeth": "Liz",
    "Katherine": "Kate",
    "Michael": "Mike",
    "Christopher": "Chris",
    "Jennifer": "Jenny",
    "Daniel": "Dan",
    "Nicholas": "Nick",
    "Benjamin": "Ben",
    "Alexander": "Alex",
    "Jonathan": "Jon",
    "Thomas": "Tom",
    "Joseph": "Joe",
    "Andrew": "Andy",
    "Matthew": "Matt",
    "Anthony": "Tony",
    "Margaret": "Maggie",
    "Patricia": "Pat",
    "Rebecca": "Becky",
    "Victoria": "Vicky",
}
FIELDS: dict[str, tuple[list[str], str]] = {
    "language": (
        ["CL", "LG", "AI"],
        "language model models pretraining transformer attention tokens prompting alignment "
        "instruction tuning reasoning translation dialogue summarization benchmark evaluation "
        "scaling laws interpretability fine-tuning retrieval augmented generation chain thought",
    ),
    "vision": (
        ["CV", "LG"],
        "image images segmentation detection object video convolutional diffusion generative "
        "recognition pose estimation depth scene understanding visual representation "
        "contrastive self-supervised resolution tracking point cloud",
    ),
    "power": (
        ["EESS.SY", "PHYSICS.SOC-PH", "MATH.OC"],
        "power grid energy electricity renewable storage transmission network capacity "
        "expansion planning wind solar hydrogen sector coupling optimal dispatch market "
        "flexibility decarbonisation heating demand",
    ),
    "physics": (
        ["HEP-TH", "GR-QC", "QUANT-PH"],
        "conformal bootstrap field theory symmetry quantum gravity black holes entanglement "
        "string holography operator spectrum bounds dimensions scattering amplitudes lattice "
        "gauge anomalies spin chains",
    ),
    "biology": (
        ["Q-BIO.GN", "Q-BIO.NC"],
        "protein folding genome sequencing cells neurons cortex gene expression single-cell "
        "evolution population dynamics molecular structure binding drug discovery pathways "
        "brain imaging",
    ),
    "robotics": (
        ["RO", "SY", "LG"],
        "robot manipulation locomotion control policy reinforcement learning planning "
        "grasping navigation simulation sim-to-real trajectory optimization legged "
        "autonomous driving perception",
    ),
}
FILLER = (
    "we propose a novel method for the problem of and show that it improves over "
    "prior work on several tasks our results suggest this approach generalizes to new "
    "settings with a simple analysis experiments demonstrate strong performance"
).split()
AFFILIATIONS = ["mit", "stanford", "oxford", "eth zurich", "tsinghua", "kaist", "inria"]
SHAPES = ("profile_page", "catalogue_page", "compact_list", "abstract_list", "arxiv_listing")
TABLES = ("csv", "jsonl")
EXPORTS = ("atom", "dblp", "csl", "markdown")
"""Formats other sites hand over (XML, CSL-JSON, a Markdown reference list), written
only with `--exports`: the default corpus stays the one earlier runs measured."""
SUFFIX = {
    "csv": "csv",
    "jsonl": "jsonl",
    "atom": "xml",
    "dblp": "xml",
    "csl": "json",
    "markdown": "md",
}


@dataclass
class Person:
    pid: int
    given: str
    surname: str
    middle: str = ""
    labs: list[int] = field(default_factory=list)
    namesake_of: int | None = None
    papers: list[int] = field(default_factory=list)


@dataclass
class Paper:
    pid: int
    title: str
    abstract: str
    authors: list[int]
    date: dt.date
    category: str
    arxiv_id: str
    field: str


def _surname_pool(size: int, rng: random.Random) -> list[str]:
    pool = list(COMMON_SURNAMES)
    seen = set(pool)
    for s in ACCENTED:
        if s not in seen:
            pool.append(s)
            seen.add(s)
    while len(pool) < size:
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        if rng.random() < 0.04:
            name += "-" + "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
        if name not in seen:
            pool.append(name)
            seen.add(name)
    for name in HYPHENATED:
        pool.insert(len(pool) // 3, name)
    return pool


def _zipf_weights(n: int, s: float = 1.0) -> list[float]:
    return [1 / (k + 1) ** s for k in range(n)]


class World:
    """People, labs and papers; sized so pages built on it hold about `entries` entries."""

    def __init__(self, entries: int, seed: int) -> None:
        rng = self.rng = random.Random(seed)
        self.name = f"n{entries}s{seed}"
        """Prefix of its page names: record keys of two worlds never collide, so labels
        answered on one corpus are never taken for another's entries (see
        `matching.refresh_labels`)."""
        n_papers = max(40, int(entries / 2.4))
        n_labs = max(4, n_papers // 40)
        n_people = max(20, n_papers // 2)
        pool = _surname_pool(max(200, n_people // 4), rng)
        # cumulative once: choices(weights=...) sums all weights on every call
        surname_cum = list(itertools.accumulate(_zipf_weights(len(pool), 0.9)))
        fields = sorted(FIELDS)
        self.lab_field = [fields[i % len(fields)] for i in range(n_labs)]
        rng.shuffle(self.lab_field)
        self.people: list[Person] = []
        for pid in range(n_people):
            surname = rng.choices(pool, cum_weights=surname_cum)[0]
            middle = rng.choice("ABCDEFGHJKLMNPRSTW") if rng.random() < 0.3 else ""
            lab = rng.randrange(n_labs)
            self.people.append(Person(pid, rng.choice(GIVEN), surname, middle, [lab]))
        for person in self.people:
            if rng.random() < 0.06:  # a career that changes field
                person.labs.append(rng.randrange(n_labs))
        for person in rng.sample(self.people, max(2, n_people // 12)):
            self._add_namesake(person)
        self.lab_members: list[list[int]] = [[] for _ in range(n_labs)]
        for person in self.people:
            for lab in person.labs:
                members = self.lab_members[lab]
                if person.pid >= n_people:
                    # a namesake is an ordinary member, anywhere in the lab's order of
                    # seniority: appended last, every one was its lab's least
                    # productive (2.6 papers against 7.4), and pages leaked them whole
                    members.insert(rng.randrange(len(members) + 1), person.pid)
                else:
                    members.append(person.pid)
        by_field: dict[str, list[int]] = {}
        for lab, name in enumerate(self.lab_field):
            by_field.setdefault(name, []).append(lab)
        self.partners = [
            rng.sample([x for x in by_field[name] if x != lab], min(2, len(by_field[name]) - 1))
            for lab, name in enumerate(self.lab_field)
        ]
        self.numbered: Counter[str] = Counter()
        """arXiv numbers given out per month: ids are unique, as arXiv's are."""
        self.papers = [self._paper(i) for i in range(n_papers)]

    def _add_namesake(self, person: Person) -> None:
        lab_field = self.lab_field[person.labs[0]]
        others = [i for i, f in enumerate(self.lab_field) if f != lab_field]
        twin = Person(
            len(self.people),
            person.given,
            person.surname,
            person.middle if self.rng.random() < 0.5 else "",
            [self.rng.choice(others)],
            namesake_of=person.pid,
        )
        person.namesake_of = twin.pid
        self.people.append(twin)

    def _paper(self, i: int) -> Paper:
        rng = self.rng
        lab = rng.randrange(len(self.lab_members))
        while not self.lab_members[lab]:
            lab = rng.randrange(len(self.lab_members))
        members = self.lab_members[lab]
        # the lab's first members (its seniors) are on most of its papers
        weights = _zipf_weights(len(members), 1.1)
        k = min(len(members), rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 8]))
        authors: list[int] = []
        while len(authors) < k:
            a = rng.choices(members, weights)[0]
            if a not in authors:
                authors.append(a)
        for a in list(authors):  # who moved field brings an old collaborator along
            first = self.people[a].labs[0]
            if first != lab and rng.random() < 0.5 and self.lab_members[first]:
                old = rng.choice(self.lab_members[first])
                if old not in authors:
                    authors.append(old)
        if rng.random() < 0.2:  # a guest, mostly from a partner lab of the same field
            partners = self.partners[lab]
            if partners and rng.random() < 0.8:
                pool = self.lab_members[rng.choice(partners)] or [rng.randrange(len(self.people))]
                guest = rng.choice(pool)
            else:
                guest = rng.randrange(len(self.people))
            if guest not in authors:
                authors.insert(rng.randrange(len(authors) + 1), guest)
        rng.shuffle(authors)
        name = self.lab_field[lab]
        categories, vocab = FIELDS[name]
        words = vocab.split()
        title_words = rng.sample(words, rng.randint(4, 8))
        title = " ".join(title_words).capitalize()
        if rng.random() < 0.4:
            title += f" for {' '.join(rng.sample(words, 2))}"
        title += f" ({rng.choice(['revisited', 'at scale', 'in practice', 'a study'])})" * (
            rng.random() < 0.1
        )
        body = rng.choices(words + FILLER, k=rng.randint(40, 90))
        abstract = " ".join(body).capitalize() + "."
        date = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(14 * 365))
        month = f"{date:%y%m}"
        self.numbered[month] += 1
        arxiv_id = f"{month}.{self.numbered[month]:05d}"
        for a in authors:
            self.people[a].papers.append(i)
        return Paper(i, title, abstract, authors, date, rng.choice(categories), arxiv_id, name)


# ---- rendering names and entries ------------------------------------------------------


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _ascii(text: str) -> str:
    table = {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ı": "i", "å": "a"}
    text = "".join(table.get(c, c) for c in text)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def render_name(
    person: Person, rng: random.Random, style: dict[str, float], typos: bool = True
) -> str:
    """One spelling of a person's name, as one site writes it (a profile's own header
    is spelled with care: no typos)."""
    given, surname = person.given, person.surname
    if given in NICKNAMES and rng.random() < style["nickname"]:
        given = NICKNAMES[given]
    if "-" in surname and rng.random() < style["hyphen_space"]:
        surname = surname.replace("-", " ")
    if rng.random() < style["ascii"]:
        surname = _ascii(surname)
    if typos and rng.random() < 0.01:
        surname = _typo(surname, rng)
    middle = f" {person.middle}." if person.middle and rng.random() < style["middle"] else ""
    if rng.random() < style["initials"]:
        return f"{given[0]}.{middle} {surname}"
    return f"{given}{middle} {surname}"


def _site_style(rng: random.Random) -> dict[str, float]:
    return {
        "nickname": rng.choice([0.0, 0.1, 0.5]),
        "hyphen_space": rng.choice([0.0, 0.5, 1.0]),
        "ascii": rng.choice([0.0, 0.3, 1.0]),
        "middle": rng.choice([0.0, 0.5, 1.0]),
        "initials": rng.choice([0.0, 0.0, 0.05, 0.3]),
    }


@dataclass
class Page:
    path: str
    shape: str
    owner: int
    papers: list[int]
    leaked: set[int]


def plan_pages(world: World, entries: int, exports: bool = False) -> list[Page]:
    """Profile pages of persons with papers, prolific ones first in line, until `entries`
    (with `exports`, about a page in five is written in one of the `EXPORTS` formats)."""
    rng = world.rng
    people = [p for p in world.people if len(p.papers) >= 2]
    cum = list(itertools.accumulate(len(p.papers) ** 1.2 for p in people))
    order: list[Person] = []
    taken: set[int] = set()
    while len(order) < len(people) and len(taken) < len(people):
        for person in rng.choices(people, cum_weights=cum, k=min(len(people), 4096)):
            if person.pid not in taken:
                taken.add(person.pid)
                order.append(person)
    shapes = SHAPES * 3 + TABLES + (EXPORTS if exports else ())
    planned: list[Page] = []
    total = 0
    for n, owner in enumerate(order):
        if total >= entries:
            break
        shape = shapes[n % len(shapes)]
        own = [i for i in owner.papers if rng.random() < 0.9] or owner.papers[:1]
        leaked: set[int] = set()
        has_bylines = shape not in ("abstract_list", "arxiv_listing")
        if owner.namesake_of is not None and has_bylines:
            twin = world.people[owner.namesake_of]
            extra = rng.sample(twin.papers, min(len(twin.papers), rng.randint(1, 4)))
            leaked = set(extra) - set(own)
            own = own + sorted(leaked)
        rng.shuffle(own)
        own = own[: entries - total]
        suffix = SUFFIX.get(shape, "txt")
        path = f"{world.name}_page_{n:07d}.{suffix}"
        planned.append(Page(path, shape, owner.pid, own, leaked & set(own)))
        total += len(own)
    return planned


def _entry(world: World, paper: Paper, rng: random.Random, style: dict[str, float]) -> dict:
    shift = rng.choice([0, 0, 0, 1, 2, 5, -3])
    return {
        "title": paper.title,
        "authors": [render_name(world.people[a], rng, style) for a in paper.authors],
        "date": paper.date + dt.timedelta(days=shift),
        "category": paper.category,
        "abstract": paper.abstract,
        "arxiv_id": paper.arxiv_id,
        "comments": ["12 pages, 4 figures"] if paper.pid % 5 == 0 else [],
        "affiliations": [],
    }


def _owner_name(world: World, page: Page, rng: random.Random) -> str:
    person = world.people[page.owner]
    style = _site_style(rng) | {"initials": 0.0, "nickname": 0.0}
    return render_name(person, rng, style, typos=False)


def render_page(world: World, page: Page) -> tuple[str, list[dict], list[int]]:
    """The page's text, its rendered entries, and how many names each entry shows."""
    rng = random.Random(f"{page.path}")
    style = _site_style(rng)
    rows = [_entry(world, world.papers[i], rng, style) for i in page.papers]
    owner = _owner_name(world, page, rng)
    if page.shape == "profile_page":
        return pages.profile_page(owner, rows), rows, [min(3, len(r["authors"])) for r in rows]
    if page.shape == "catalogue_page":
        return pages.catalogue_page(owner, rows), rows, [len(r["authors"]) for r in rows]
    if page.shape == "compact_list":
        return pages.compact_list(rows), rows, [min(3, len(r["authors"])) for r in rows]
    if page.shape == "abstract_list":
        return pages.abstract_list(rows), rows, [0] * len(rows)
    if page.shape == "arxiv_listing":
        return pages.arxiv_listing(rows), rows, [0] * len(rows)
    everyone = [len(r["authors"]) for r in rows]
    if page.shape == "atom":
        return pages.atom_feed(rows), rows, everyone
    if page.shape == "dblp":
        return pages.dblp_person(owner, rows), rows, everyone
    if page.shape == "csl":
        return pages.csl_json(rows), rows, everyone
    if page.shape == "markdown":
        return pages.markdown_list(owner, rows), rows, everyone
    return _table(page, rows), rows, [len(r["authors"]) for r in rows]


def _table(page: Page, rows: list[dict]) -> str:
    records = [
        {
            "id": f"r{i}",
            "title": r["title"].lower() if i % 4 == 0 else r["title"],
            "authors": "; ".join(r["authors"]),
            "published": r["date"].isoformat(),
            "abstract": r["abstract"] if i % 3 else "",
            "arxiv_id": r["arxiv_id"],
        }
        for i, r in enumerate(rows)
    ]
    if page.shape == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(records[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buf.getvalue()


def record_key(page: Page, position: int) -> str:
    """The record_key bylines gives the entry (see the output contract)."""
    if page.shape in TABLES:
        return f"{page.path}:r{position}"
    return f"{page.path}#{position}"


# ---- writing --------------------------------------------------------------------------


def _chain(groups: dict[int, list[str]]) -> Iterator[tuple[str, str]]:
    """Pairs that connect each group (its truth cluster) as a chain."""
    for _, keys in sorted(groups.items()):
        yield from itertools.pairwise(keys)


def write(out: Path, entries: int, seed: int, exports: bool = False) -> dict[str, int]:
    """Write the corpus and its truth under `out`; returns counts."""
    world = World(entries, seed)
    planned = plan_pages(world, entries, exports)
    folder = out / "input"
    truth = out / "truth"
    folder.mkdir(parents=True, exist_ok=True)
    truth.mkdir(parents=True, exist_ok=True)
    paper_keys: dict[int, list[str]] = {}
    person_keys: dict[int, list[str]] = {}
    n_entries = n_leaked = 0
    with (
        (truth / "entries.csv").open("w", newline="") as fe,
        (truth / "pages.csv").open("w", newline="") as fp,
    ):
        we, wp = csv.writer(fe), csv.writer(fp)
        we.writerow(["path", "position", "paper", "persons", "shown", "misattributed"])
        wp.writerow(["path", "shape", "owner"])
        for page in planned:
            text, _rows, shown = render_page(world, page)
            (folder / page.path).write_text(text, encoding="utf-8")
            wp.writerow([page.path, page.shape, page.owner])
            for position, paper_id in enumerate(page.papers):
                paper = world.papers[paper_id]
                key = record_key(page, position)
                paper_keys.setdefault(paper_id, []).append(key)
                for i, person in enumerate(paper.authors[: shown[position]]):
                    person_keys.setdefault(person, []).append(f"{key}@{i}")
                leaked = paper_id in page.leaked
                n_leaked += leaked
                we.writerow(
                    [
                        page.path,
                        position,
                        paper_id,
                        ";".join(map(str, paper.authors)),
                        shown[position],
                        int(leaked),
                    ]
                )
                n_entries += 1
    for name, groups in (("answer_key.csv", paper_keys), ("answer_key_persons.csv", person_keys)):
        with (out / name).open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["key_a", "key_b"])
            w.writerows(_chain(groups))
    return {
        "entries": n_entries,
        "pages": len(planned),
        "papers": len(paper_keys),
        "persons": len(person_keys),
        "misattributed": n_leaked,
        "people_in_world": len(world.people),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write (input/, truth/, answer keys)")
    parser.add_argument("--entries", type=int, default=1000, help="about how many entries")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--exports",
        action="store_true",
        help="write about a page in five as XML, CSL-JSON or Markdown",
    )
    args = parser.parse_args()
    counts = write(args.out, args.entries, args.seed, args.exports)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
