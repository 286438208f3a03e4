"""XML exports: records found from the data, fields by local name, bad XML quarantined."""

from __future__ import annotations

from pathlib import Path

from pipeline.extract import xml_records
from tests.extract.test_extract import assert_accounted
from tests.helpers import extract

ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title type="html">ArXiv Query: search_query=au:Brown_T</title>
  <updated>2023-01-05T00:00:00Z</updated>
  <entry>
    <id>http://arxiv.org/abs/2105.01234v2</id>
    <updated>2021-06-01T10:00:00Z</updated>
    <published>2021-05-04T18:59:59Z</published>
    <title>Tracking the Grid:
      Sector Coupling at Scale</title>
    <summary>  We couple power and heat.
      Storage matters. </summary>
    <author><name>Tom Brown</name></author>
    <author><name>Jonas H&#246;rsch</name></author>
    <arxiv:primary_category term="physics.soc-ph"/>
    <category term="eess.SY"/>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/2212.08073v1</id>
    <published>2022-12-15T00:00:00Z</published>
    <title>Constitutional AI</title>
    <author><name>Yuntao Bai</name></author>
  </entry>
</feed>
"""

DBLP = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE dblpperson SYSTEM "dblpperson.dtd">
<dblpperson name="Wei Wang" pid="00/1" n="2">
<person key="homepages/00/1"><author pid="00/1">Wei Wang 0001</author></person>
<r><article key="journals/x/Wang21">
<author pid="00/1">Wei Wang 0001</author><author pid="9/9">J&uuml;rgen M&uuml;ller</author>
<title>Graphs of H<sub>2</sub>O.</title><year>2021</year><journal>Nature</journal>
<ee>https://doi.org/10.48550/arXiv.2101.00001</ee></article></r>
<r><inproceedings key="conf/x/Wang22">
<author pid="00/1">Wei Wang 0001</author>
<title>Does it scale?</title><year>2022</year><booktitle>ICML</booktitle></inproceedings></r>
</dblpperson>
"""

PUBMED = """<?xml version="1.0"?>
<PubmedArticleSet>
<PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
  <Journal><Title>Cell</Title><JournalIssue><PubDate><Year>2019</Year><Month>Sep</Month>
  </PubDate></JournalIssue></Journal>
  <ArticleTitle>Protein folding</ArticleTitle>
  <Abstract><AbstractText>Proteins fold.</AbstractText></Abstract>
  <AuthorList><Author><LastName>Müller</LastName><ForeName>Hans</ForeName></Author>
  <Author><LastName>Wang</LastName><ForeName>Wei</ForeName></Author></AuthorList>
</Article></MedlineCitation></PubmedArticle>
<PubmedArticle><MedlineCitation><PMID>2</PMID><Article>
  <Journal><Title>Cell</Title><JournalIssue><PubDate><Year>2020</Year><Month>03</Month>
  <Day>04</Day></PubDate></JournalIssue></Journal>
  <ArticleTitle>Cells divide</ArticleTitle>
  <AuthorList><Author><LastName>Wang</LastName><ForeName>Wei</ForeName></Author></AuthorList>
</Article></MedlineCitation></PubmedArticle>
</PubmedArticleSet>
"""


def _write(tmp_path: Path, text: str, name: str = "export") -> Path:
    path = tmp_path / name  # no extension: the content decides
    path.write_text(text, encoding="utf-8")
    return path


def test_arxiv_atom_feed(tmp_path: Path):
    result = extract(_write(tmp_path, ATOM))
    assert result.source["format"] == "xml_records" and not result.quarantine
    first, second = result.entries
    assert first["title"] == "Tracking the Grid: Sector Coupling at Scale"
    assert first["authors"] == ["Tom Brown", "Jonas Hörsch"]
    assert first["published_raw"] == "2021-05-04"  # published, not the revision's date
    assert first["arxiv_id"] == "2105.01234" and first["category"] == "physics.soc-ph"
    assert first["abstract"] == "We couple power and heat. Storage matters."
    assert (first["line_start"], first["line_end"]) == (5, 17)
    assert first["raw_text"].startswith("<entry>") and first["raw_text"].endswith("</entry>")
    assert second["arxiv_id"] == "2212.08073" and second["line_start"] == 18
    assert "ArXiv Query" in result.source["header_text"]  # the feed's own title: no entry


def test_dblp_person_page(tmp_path: Path):
    result = extract(_write(tmp_path, DBLP))
    assert result.source["owner_name"] == "Wei Wang"
    assert result.source["owner_origin"] == "header"
    first, second = result.entries
    assert first["title"] == "Graphs of H2O"  # inline markup kept as text, DBLP's stop gone
    assert first["authors"] == ["Wei Wang", "Jürgen Müller"]  # namesake number dropped
    assert first["arxiv_id"] == "2101.00001"  # from the arXiv DOI
    assert (first["published_raw"], first["venue"]) == ("2021", "Nature")
    assert (second["title"], second["venue"]) == ("Does it scale?", "ICML")
    assert len(result.entries) == 2  # the <person> block is no paper


def test_pubmed_export(tmp_path: Path):
    result = extract(_write(tmp_path, PUBMED))
    first, second = result.entries
    assert first["title"] == "Protein folding" and first["venue"] == "Cell"
    assert first["authors"] == ["Hans Müller", "Wei Wang"]
    assert first["published_raw"] == "Sep 2019" and first["abstract"] == "Proteins fold."
    assert second["published_raw"] == "2020-03-04"
    # offsets stay right after non-ASCII text ("Müller" above)
    assert second["raw_text"].startswith("<Article>") and second["raw_text"].endswith("</Article>")


def test_rss_feed_with_escaped_html_and_mail_dates(tmp_path: Path):
    rss = (
        '<?xml version="1.0"?>\n<rss xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        "<title>Papers</title><link>https://example.org</link>\n"
        "<item><title>Caf&#233; networks</title><link>https://arxiv.org/abs/2101.00002</link>"
        "<description>&lt;p&gt;We study caf&#233;s.&lt;/p&gt;</description>"
        "<dc:creator>Li Na</dc:creator><pubDate>Mon, 04 Jan 2021 00:00:00 GMT</pubDate></item>\n"
        "</channel></rss>\n"
    )
    (entry,) = extract(_write(tmp_path, rss)).entries
    assert entry["title"] == "Café networks" and entry["authors"] == ["Li Na"]
    assert entry["abstract"] == "We study cafés." and entry["published_raw"] == "2021-01-04"
    assert entry["arxiv_id"] == "2101.00002"


def test_a_file_cut_short_keeps_its_closed_records(tmp_path: Path):
    cut = ATOM[: ATOM.rindex("</entry>")]  # the last record has its title, not its end
    result = extract(_write(tmp_path, cut))
    (entry,) = result.entries
    assert entry["arxiv_id"] == "2105.01234"
    (quarantined,) = result.quarantine
    assert "unreadable XML at line 23" in quarantined["reason"]
    assert "the 1 records closed before it are read" in quarantined["reason"]
    assert quarantined["raw_text"].startswith("<entry>") and quarantined["line_start"] == 17
    assert "Constitutional AI" in quarantined["raw_text"]
    assert quarantined["position"] == 1


def test_records_are_the_elements_holding_their_title_closest(tmp_path: Path):
    articles = DBLP.replace("inproceedings", "article")  # <r> and <article> both qualify
    first, second = extract(_write(tmp_path, articles)).entries
    assert first["raw_text"].startswith("<article key=") and first["line_start"] == 5
    assert second["title"] == "Does it scale?"


def test_entity_declarations_are_refused(tmp_path: Path):
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        "<records><record><title>&b;</title><author>X Y</author></record></records>\n"
    )
    result = extract(_write(tmp_path, bomb))
    assert not result.entries
    (quarantined,) = result.quarantine
    assert "unreadable XML at line 2" in quarantined["reason"]
    assert "declares the entity 'a'" in quarantined["reason"]


def test_xml_without_records_is_quarantined_whole(tmp_path: Path):
    result = extract(_write(tmp_path, "<settings><theme>dark</theme></settings>\n"))
    (quarantined,) = result.quarantine
    assert "XML with no bibliographic records" in quarantined["reason"]
    assert quarantined["raw_text"] == "<settings><theme>dark</theme></settings>"


def test_xhtml_is_read_as_a_web_page_not_as_xml(tmp_path: Path):
    xhtml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Hello</p></body></html>\n'
    )
    assert extract(_write(tmp_path, xhtml)).source["format"].startswith("html_")


def test_a_declared_encoding_is_honoured_and_a_bad_byte_is_placed(tmp_path: Path):
    head = b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<feed>'
    latin = head + "<entry><title>Café</title><author>René Ødegård</author></entry>".encode(
        "latin-1"
    )
    (entry,) = extract(_write_bytes(tmp_path / "latin", latin + b"</feed>\n")).entries
    assert (entry["title"], entry["authors"]) == ("Café", ["René Ødegård"])
    mislabelled = head + "<entry><title>Café</title><author>A B</author></entry>".encode()
    (entry,) = extract(_write_bytes(tmp_path / "utf8", mislabelled + b"</feed>\n")).entries
    assert entry["title"] == "Café"  # UTF-8 bytes under a Latin-1 label: read as UTF-8
    broken = "<feed><entry><title>Ök</title><author>A B</author></entry>\n<entry><title>".encode()
    result = extract(_write_bytes(tmp_path / "broken", broken + b"\xe9</title></entry></feed>\n"))
    assert [e["title"] for e in result.entries] == ["Ök"]  # UTF-8, with one bad byte
    (quarantined,) = result.quarantine
    assert "unreadable XML at line 2, column 15: not well-formed" in quarantined["reason"]


def _write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


ENDNOTE = """<?xml version="1.0" encoding="UTF-8"?>
<xml><records>
<record><contributors><authors>
<author><style face="normal">Brown, Tom B.</style></author><author><style>Mann, Ben</style></author>
</authors></contributors>
<titles><title><style>Few-Shot Learners</style></title><secondary-title>NeurIPS</secondary-title>
</titles><dates><year><style>2020</style></year></dates>
<urls><related-urls><url><style>https://arxiv.org/abs/2005.14165</style></url></related-urls></urls>
</record>
<record><titles><title><style>Scaling Laws</style></title></titles></record>
</records></xml>
"""

MODS = """<?xml version="1.0"?>
<modsCollection xmlns="http://www.loc.gov/mods/v3">
<mods><titleInfo><title>Few-Shot Learners</title></titleInfo>
<name type="personal"><namePart type="family">Brown</namePart><namePart type="given">Tom</namePart>
<role><roleTerm>author</roleTerm></role></name>
<name type="personal"><namePart type="given">Ed</namePart><namePart type="family">Itor</namePart>
<role><roleTerm>editor</roleTerm></role></name>
<originInfo><dateIssued>2020-05-28</dateIssued></originInfo>
<identifier type="arxiv">2005.14165</identifier></mods>
<mods><titleInfo><title>Scaling Laws</title></titleInfo>
<name><namePart type="given">Jared</namePart><namePart type="family">Kaplan</namePart></name></mods>
<mods><name><namePart>Nobody</namePart></name></mods>
</modsCollection>
"""


def test_reference_manager_and_library_exports(tmp_path: Path):
    """EndNote's styled "Last, First" authors; MODS's name parts and roles, a typed
    arXiv identifier, and a record with no title still a record (quarantined)."""
    first, second = extract(_write(tmp_path, ENDNOTE, "endnote")).entries
    assert first["authors"] == ["Tom B. Brown", "Ben Mann"] and first["arxiv_id"] == "2005.14165"
    assert (first["title"], first["published_raw"]) == ("Few-Shot Learners", "2020")
    assert first["venue"] == "NeurIPS"  # EndNote's secondary-title
    assert second["authors"] == [] and second["title"] == "Scaling Laws"
    result = extract(_write(tmp_path, MODS, "mods"))
    first, second = result.entries
    assert first["authors"] == ["Tom Brown"]  # the editor is no author
    assert (first["published_raw"], first["arxiv_id"]) == ("2020-05-28", "2005.14165")
    assert second["authors"] == ["Jared Kaplan"]
    (nobody,) = result.quarantine
    assert "neither a title nor an abstract" in nobody["reason"] and nobody["line_start"] == 12


JATS = """<?xml version="1.0" encoding="UTF-8"?>
<article article-type="research-article">
<front><article-meta>
<article-id pub-id-type="arxiv">2101.00001</article-id>
<title-group><article-title>Grid storage at scale</article-title></title-group>
<contrib-group>
<contrib contrib-type="author"><name><surname>Brown</surname><given-names>Tom</given-names></name>
</contrib>
<contrib contrib-type="editor"><name><surname>Itor</surname><given-names>Ed</given-names></name>
</contrib>
</contrib-group>
<pub-date><day>04</day><month>01</month><year>2021</year></pub-date>
<abstract><p>We study storage.</p></abstract>
</article-meta></front>
<back><ref-list>
<ref><element-citation><person-group><name><surname>Smith</surname></name></person-group>
<article-title>Old work</article-title></element-citation></ref>
<ref><element-citation><article-title>Older work</article-title></element-citation></ref>
</ref-list></back>
</article>
"""


def test_a_jats_article_is_one_record_not_its_references(tmp_path: Path):
    """Its root is `<article>`, an HTML element too: the XML declaration says XML."""
    result = extract(_write(tmp_path, JATS))
    assert result.source["format"] == "xml_records"
    (entry,) = result.entries
    assert (entry["title"], entry["authors"]) == ("Grid storage at scale", ["Tom Brown"])
    assert (entry["arxiv_id"], entry["published_raw"]) == ("2101.00001", "2021-01-04")
    assert entry["abstract"] == "We study storage."
    flat = (
        '<?xml version="1.0"?>\n<article><article-title>Flat</article-title>\n'
        '<contrib contrib-type="author"><name><surname>Brown</surname></name></contrib>\n'
        "<abstract>Short.</abstract>\n<ref-list><ref><article-title>Cited</article-title>\n"
        "<contrib><name><surname>Smith</surname></name></contrib></ref></ref-list></article>\n"
    )
    (entry,) = extract(_write(tmp_path, flat, "flat")).entries  # no article-meta around
    assert (entry["title"], entry["authors"]) == ("Flat", ["Brown"])


def test_a_record_nested_in_one_of_its_name_is_read_once(tmp_path: Path):
    """Even when the outer one is the root: the entry is the outermost element."""
    nested = '<?xml version="1.0"?>\n<a><a><title>T</title><author>A B</author></a></a>\n'
    (entry,) = extract(_write(tmp_path, nested)).entries
    assert entry["raw_text"].startswith("<a><a>") and entry["authors"] == ["A B"]


MODS_HOSTED = """<?xml version="1.0" encoding="UTF-8"?>
<modsCollection xmlns="http://www.loc.gov/mods/v3">
<mods><titleInfo><title>Learning to Grasp</title></titleInfo>
<name type="personal"><namePart type="given">Ada</namePart><namePart type="family">Park</namePart></name>
<originInfo><dateIssued>2021</dateIssued></originInfo>
<relatedItem type="host"><titleInfo><title>Journal of Robot Learning</title></titleInfo></relatedItem>
</mods>
<mods><titleInfo><title>Transfer for Hands</title></titleInfo>
<name type="personal"><namePart type="given">Jon</namePart><namePart type="family">Okoye</namePart></name>
<relatedItem type="host"><titleInfo><title>ICRA</title></titleInfo></relatedItem>
</mods>
</modsCollection>
"""  # noqa: E501


def test_mods_records_of_names_alone_with_their_host_as_venue(tmp_path: Path):
    """No identifier, link or abstract: the name parts make a record, and the host's
    title is its venue, not a second title."""
    first, second = extract(_write(tmp_path, MODS_HOSTED)).entries
    assert (first["title"], first["authors"]) == ("Learning to Grasp", ["Ada Park"])
    assert (first["venue"], second["venue"]) == ("Journal of Robot Learning", "ICRA")


ORCID_WORKS = """<?xml version="1.0" encoding="UTF-8"?>
<activities:works xmlns:common="http://www.orcid.org/ns/common"
  xmlns:work="http://www.orcid.org/ns/work" xmlns:activities="http://www.orcid.org/ns/activities">
<activities:group><work:work-summary put-code="1">
  <work:title><common:title>Learning to grasp transparent objects</common:title></work:title>
  <common:external-ids><common:external-id><common:external-id-type>arxiv</common:external-id-type><common:external-id-value>2101.00042</common:external-id-value></common:external-id></common:external-ids>
  <common:publication-date><common:year>2021</common:year><common:month>11</common:month></common:publication-date>
  <work:journal-title>Conference on Robot Learning</work:journal-title>
</work:work-summary></activities:group>
<activities:group><work:work-summary put-code="2">
  <work:title><common:title>Sim-to-real transfer for legged locomotion</common:title></work:title>
  <common:publication-date><common:year>2022</common:year></common:publication-date>
  <work:journal-title>IEEE Robotics and Automation Letters</work:journal-title>
</work:work-summary></activities:group>
</activities:works>
"""


def test_orcid_works_summaries_are_records_without_names(tmp_path: Path):
    result = extract(_write(tmp_path, ORCID_WORKS))
    assert result.source["format"] == "xml_records" and not result.quarantine
    first, second = result.entries
    assert first["title"] == "Learning to grasp transparent objects"  # one title, not two
    assert first["arxiv_id"] == "2101.00042"  # its type and value in elements of their own
    assert first["venue"] == "Conference on Robot Learning"
    assert first["published_raw"] == "Nov 2021" and first["authors"] == []
    assert second["title"] == "Sim-to-real transfer for legged locomotion"
    # with no ids at all, a dated work in a venue is still a record
    ids = ORCID_WORKS[ORCID_WORKS.index("<common:external-ids>") : ORCID_WORKS.index("<common:pub")]
    assert len(extract(_write(tmp_path, ORCID_WORKS.replace(ids, ""))).entries) == 2


ORCID_RECORD = """<?xml version="1.0" encoding="UTF-8"?>
<record:record xmlns:record="http://www.orcid.org/ns/record"
  xmlns:person="http://www.orcid.org/ns/person" xmlns:common="http://www.orcid.org/ns/common"
  xmlns:personal-details="http://www.orcid.org/ns/personal-details"
  xmlns:work="http://www.orcid.org/ns/work">
<person:person><person:name>
  <personal-details:given-names>Ada</personal-details:given-names>
  <personal-details:family-name>Park</personal-details:family-name>
</person:name></person:person>
<work:work put-code="11">
  <work:title>
    <common:title>Contact-rich manipulation with diffusion policies</common:title>
  </work:title>
  <common:publication-date><common:year>2024</common:year></common:publication-date>
  <work:contributors>
    <work:contributor><work:credit-name>Mei Lin</work:credit-name>
      <work:contributor-attributes><work:contributor-role>author</work:contributor-role></work:contributor-attributes></work:contributor>
    <work:contributor><work:credit-name>Ada Park</work:credit-name></work:contributor>
    <work:contributor><work:credit-name>Rui Santos</work:credit-name>
      <work:contributor-attributes><work:contributor-role>editor</work:contributor-role></work:contributor-attributes></work:contributor>
  </work:contributors>
</work:work>
</record:record>
"""


def test_an_orcid_record_names_its_owner_and_its_works_authors(tmp_path: Path):
    result = extract(_write(tmp_path, ORCID_RECORD))
    assert result.source["owner_name"] == "Ada Park"
    (work,) = result.entries
    assert work["authors"] == ["Mei Lin", "Ada Park"]  # not the editor


CROSSREF = """<?xml version="1.0" encoding="UTF-8"?>
<doi_records>
<doi_record><crossref><journal>
  <journal_metadata><full_title>IEEE Robotics and Automation Letters</full_title></journal_metadata>
  <journal_article>
    <titles><title>Sim-to-real transfer for legged locomotion</title></titles>
    <contributors>
      <person_name contributor_role="author">
        <given_name>Jonas</given_name><surname>Okoye</surname></person_name>
      <person_name contributor_role="editor">
        <given_name>Rui</given_name><surname>Santos</surname></person_name>
      <person_name contributor_role="author">
        <given_name>Ada</given_name><surname>Park</surname></person_name>
    </contributors>
    <publication_date><year>2022</year></publication_date>
  </journal_article>
</journal></crossref></doi_record>
<doi_record><crossref><conference>
  <proceedings_metadata>
    <proceedings_title>Conference on Robot Learning</proceedings_title>
  </proceedings_metadata>
  <conference_paper>
    <contributors><person_name contributor_role="author">
      <given_name>Ada</given_name><surname>Park</surname></person_name></contributors>
    <titles><title>Learning to grasp transparent objects</title></titles>
    <publication_date><year>2021</year></publication_date>
  </conference_paper>
</conference></crossref></doi_record>
</doi_records>
"""


def test_crossref_records_with_their_journal_round_them(tmp_path: Path):
    result = extract(_write(tmp_path, CROSSREF))
    first, second = result.entries
    assert first["title"] == "Sim-to-real transfer for legged locomotion"
    assert first["authors"] == ["Jonas Okoye", "Ada Park"]
    assert first["venue"] == "IEEE Robotics and Automation Letters"
    assert second["title"] == "Learning to grasp transparent objects"
    assert (second["venue"], second["published_raw"]) == ("Conference on Robot Learning", "2021")


def _zotero_person(given: str, family: str) -> str:
    return (
        f"<rdf:li><foaf:Person><foaf:surname>{family}</foaf:surname>"
        f"<foaf:givenName>{given}</foaf:givenName></foaf:Person></rdf:li>"
    )


ZOTERO = f"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns:z="http://www.zotero.org/namespaces/export#" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:foaf="http://xmlns.com/foaf/0.1/" xmlns:bib="http://purl.org/net/biblio#"
 xmlns:dcterms="http://purl.org/dc/terms/" xmlns:link="http://purl.org/rss/1.0/modules/link/">
  <bib:Article rdf:about="http://arxiv.org/abs/2203.01234">
    <z:itemType>preprint</z:itemType>
    <bib:authors><rdf:Seq>{_zotero_person("Ada", "Park")}{_zotero_person("Mei", "Lin")}</rdf:Seq>
    </bib:authors>
    <link:link rdf:resource="#item_12"/>
    <dc:title>Learning to grasp transparent objects</dc:title>
    <dc:date>2022-03-01</dc:date>
    <dc:identifier><dcterms:URI><rdf:value>http://arxiv.org/abs/2203.01234</rdf:value>
    </dcterms:URI></dc:identifier>
  </bib:Article>
  <z:Attachment rdf:about="#item_12">
    <z:itemType>attachment</z:itemType>
    <dc:title>arXiv Fulltext PDF</dc:title>
    <dc:identifier><dcterms:URI><rdf:value>https://arxiv.org/pdf/2203.01234</rdf:value>
    </dcterms:URI></dc:identifier>
  </z:Attachment>
  <rdf:Description rdf:about="urn:isbn:978-1-000">
    <z:itemType>conferencePaper</z:itemType>
    <dcterms:isPartOf><bib:Journal><dc:title>Conference on Robot Learning</dc:title>
    </bib:Journal></dcterms:isPartOf>
    <bib:authors><rdf:Seq>{_zotero_person("Jonas", "Okoye")}
    {_zotero_person("Ada", "Park")}</rdf:Seq>
    </bib:authors>
    <bib:editors><rdf:Seq>{_zotero_person("Ed", "Itor")}</rdf:Seq></bib:editors>
    <dc:title>Sim-to-real transfer for legged locomotion</dc:title>
    <dc:date>2021</dc:date>
  </rdf:Description>
  <bib:Article rdf:about="#item_3">
    <bib:authors><rdf:Seq>{_zotero_person("Mei", "Lin")}</rdf:Seq></bib:authors>
    <dc:title>Contact-rich manipulation with diffusion policies</dc:title>
    <dc:date>2024</dc:date>
  </bib:Article>
  <bib:Journal rdf:about="urn:issn:1234-5678"><dc:title>Robotics Letters</dc:title>
    <dc:identifier>ISSN 1234-5678</dc:identifier></bib:Journal>
</rdf:RDF>
"""


def test_a_zotero_rdf_export_reads_its_records_of_every_type_and_their_authors(tmp_path: Path):
    result = extract(_write(tmp_path, ZOTERO))
    assert result.source["format"] == "xml_records" and not result.quarantine
    assert [(e["title"], e["authors"]) for e in result.entries] == [
        ("Learning to grasp transparent objects", ["Ada Park", "Mei Lin"]),
        ("Sim-to-real transfer for legged locomotion", ["Jonas Okoye", "Ada Park"]),
        ("Contact-rich manipulation with diffusion policies", ["Mei Lin"]),
    ]
    assert result.entries[0]["arxiv_id"] == "2203.01234"
    assert result.entries[1]["venue"] == "Conference on Robot Learning"


def test_a_record_round_records_of_the_chosen_name_is_not_one_of_its_kin():
    """A `<feed>` beside an `<entry>` holds entries of its own: they are the records,
    not the feed round them."""
    entry = "<entry><title>A Title</title><author><name>Ann Lee</name></author></entry>"
    text = f'<?xml version="1.0"?>\n<records><feed>{entry}<feed>{entry}</feed></feed></records>\n'
    parsed = xml_records.parse(text)
    assert_accounted(text, parsed)
    assert [c.kind for c in parsed.chunks].count("entry") == 2
