"""Synthetic DOST news for the scale benchmark (tests/bench_scale.py), generated lazily.

Every article is rebuilt from its seed alone (the site and its number), so an archive of a
million articles never needs a list of them in memory, and a syndicated copy is made by
rebuilding its original. The text is Vietnamese-like:

* sentences come from a pool of stock sentence frames built from the phrases every DOST site
  repeats ("Sở Khoa học và Công nghệ", "nhiệm vụ khoa học và công nghệ cấp tỉnh"), with names,
  places, numbers and dates filled in per article, so unrelated articles share phrases but are
  not alike;
* each site appends its own standard paragraphs (a call for registrations, a hotline, where its
  bulletin is) to many of its articles, as DOST sites do;
* about COPY_SHARE of the articles are reposts of an article of another site, published a few
  days later, with a new opening sentence and another byline.
"""

from __future__ import annotations

import csv
import html
import random
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from dostcrawler.items import Article
from dostcrawler.pipelines.normalize import NormalizePipeline

SEED = 2026
COPY_SHARE = 0.05
POOL_SIZE = 6000
BODY_CHARS = 1350  # before the site's standard paragraphs, which about half the articles carry
CRAWL_START = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
PROVINCES_CSV = Path(__file__).parent.parent / "dostcrawler" / "data" / "provinces.csv"


def _phrases(text: str) -> list[str]:
    """A word list written as one string, phrases separated by "|" (ruff keeps it compact)."""
    return [" ".join(p.split()) for p in text.split("|")]


FAMILY = _phrases("Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Đinh")
MIDDLE = _phrases("Văn|Thị|Hữu|Đức|Minh|Thanh|Ngọc|Quang|Xuân|Thu|Hoài|Kim|Bảo|Công|Mạnh|Thùy")
GIVEN = _phrases(
    "An|Bình|Cường|Dũng|Hà|Hải|Hạnh|Hoa|Hùng|Huyên|Khánh|Lan|Linh|Long|Mai|Nam|Nga|Phong|"
    "Phương|Quân|Sơn|Tâm|Thảo|Thắng|Trang|Tuấn|Vân|Việt|Yến|Hằng|Hiếu|Hưng|Huy|Loan|Nhung|"
    "Quyên|Thủy|Toàn|Trung|Tú"
)
SYLLABLES = _phrases(
    "Tam|Dương|Lập|Thạch|Yên|Lạc|Bình|Xuyên|Phúc|Sông|Lô|Tiên|Hòa|Vĩnh|Tường|Đông|Tây|Nam|"
    "Bắc|Kim|Sơn|Thanh|Hà|Mỹ|Đức|Hưng|Long|Phú|Quang|Minh|Tân|Thành|Hải|Hồng|Đại|Châu|Lộc|"
    "Thái|Định|Hiệp|Gia|Ninh|Khánh|Hội|Trung|Cẩm|Thủy"
)
# The content words: real compounds of DOST news, drawn at random into noun phrases, so that
# the text around the stock phrases differs from article to article as real news does.
LEXICON = _phrases(
    "công nghệ|khoa học|doanh nghiệp|sản phẩm|hàng hóa|chất lượng|tiêu chuẩn|đo lường|"
    "nông nghiệp|nông dân|hợp tác xã|thị trường|giải pháp|mô hình|quy trình|kỹ thuật|thiết bị|"
    "dữ liệu|hạ tầng|nhân lực|chuyên gia|cán bộ|học viên|sinh viên|giảng viên|nghiên cứu|"
    "ứng dụng|chuyển giao|sáng chế|nhãn hiệu|kiểu dáng|bản quyền|thương hiệu|xuất xứ|nguồn gốc|"
    "giống cây|vật nuôi|thủy sản|lâm nghiệp|dược liệu|môi trường|năng lượng|điện mặt trời|"
    "nước sạch|chất thải|phân bón|thuốc thú y|an toàn|bức xạ|y tế|bệnh viện|trường học|"
    "giáo dục|văn hóa|du lịch|thương mại|xuất khẩu|đầu tư|ngân sách|kinh phí|nguồn vốn|"
    "tín dụng|chính sách|quy định|thủ tục|hồ sơ|giấy phép|hợp đồng|hội đồng|tổ chức|cá nhân|"
    "địa phương|vùng núi|đồng bằng|ven biển|nông thôn|đô thị|khu công nghiệp|làng nghề|"
    "cộng đồng|người dân|phụ nữ|thanh niên|trí thức|nhà khoa học|nhà đầu tư|ý tưởng|"
    "khởi nghiệp|sáng tạo|đổi mới|năng suất|hiệu quả|giá trị|lợi nhuận|thu nhập|việc làm|"
    "đời sống|sức khỏe|dịch bệnh|thiên tai|hạn hán|xâm nhập mặn|lũ lụt|cảnh báo|dự báo|"
    "quan trắc|bản đồ|phần mềm|ứng dụng di động|nền tảng|cổng thông tin|dịch vụ công|"
    "chữ ký số|hóa đơn điện tử|an ninh mạng|trí tuệ nhân tạo|internet vạn vật|cảm biến|"
    "thiết bị bay|tự động hóa|vật liệu|cơ khí|chế biến|bảo quản|đóng gói|tem truy xuất|mã QR|"
    "phòng thí nghiệm|kiểm nghiệm|hiệu chuẩn|kiểm định|giám định|thanh tra|vi phạm|xử phạt|"
    "tuyên truyền|phổ biến|tập huấn|đào tạo|bồi dưỡng|diễn đàn|triển lãm|hội chợ|kết nối|"
    "cung cầu|hợp tác|liên kết|chuỗi giá trị|tiêu thụ|phân phối|siêu thị|sàn thương mại|"
    "nâng cao|thúc đẩy|phát triển|hỗ trợ|tăng cường|đẩy mạnh|hoàn thiện|xây dựng|triển khai|"
    "thực hiện|đánh giá|tổng kết|rà soát|đề xuất|phê duyệt|ban hành|hướng dẫn|tiếp nhận|"
    "giải quyết|cải thiện|mở rộng|nhân rộng|bền vững|hiện đại|thông minh|hữu cơ|thiết thực|"
    "cụ thể|kịp thời|đồng bộ|toàn diện|chủ động|tích cực|trọng điểm|chủ lực|đặc sản|"
    "truyền thống|tiên tiến|phù hợp|quy mô|diện tích|sản lượng|giống mới|canh tác|thu hoạch|"
    "tưới tiết kiệm|nhà màng|nhà lưới|chăn nuôi|thức ăn|vắc xin|chế phẩm|vi sinh|men vi sinh|"
    "phụ phẩm|rơm rạ|than sinh học|khí sinh học|biến đổi khí hậu|tài nguyên|đất đai|"
    "nguồn nước|rừng trồng|gỗ rừng|tín chỉ các-bon|kinh tế tuần hoàn|kinh tế số|xã hội số|"
    "chính quyền số|công dân số|kỹ năng số|hạ tầng số|trung tâm dữ liệu|điện toán đám mây|"
    "văn bản|báo cáo|số liệu|thống kê|chỉ số|xếp hạng|mục tiêu|lộ trình|tiến độ|nội dung|"
    "phương án|dự toán|quyết toán|nghiệm thu|thẩm định|tuyển chọn|giao trực tiếp|"
    "chủ nhiệm|cơ quan chủ trì|đơn vị phối hợp|thành viên|thư ký|phản biện|ủy viên|"
    "hội viên|câu lạc bộ|nhóm nghiên cứu|phòng trưng bày|sân chơi|cuộc thi|giải thưởng|"
    "bằng khen|giấy khen|danh hiệu|kỷ niệm chương|tiến sĩ|thạc sĩ|kỹ sư|kỹ thuật viên"
)
PRODUCTS = _phrases(
    "bưởi Diễn|chè Shan tuyết|mật ong bạc hà|gạo ST25|cam sành|nấm linh chi|tinh dầu quế|"
    "hồng không hạt|sâm Ngọc Linh|cà phê Robusta|hạt điều|vải thiều|nhãn lồng|miến dong|"
    "tỏi cô đơn|thanh long ruột đỏ|chuối tiêu hồng|na dai|rau an toàn|lợn bản địa|gà đồi|"
    "cá tầm|tôm càng xanh|dưa lưới|quýt hồng|lạc đỏ|chanh leo|mắc ca|ba kích|nước mắm"
)
TIMES = _phrases(
    "Ngày {date}|Sáng ngày {date}|Chiều ngày {date}|Vừa qua|Thời gian qua|Năm {year}|"
    "Trong {small} tháng đầu năm {year}|Từ ngày {daymonth} đến ngày {date}|Trong tuần qua|"
    "Trong giai đoạn {year}-{year2}|Tính đến hết tháng {month}/{year}|Thực hiện kế hoạch năm "
    "{year}|Nhân dịp kỷ niệm Ngày Khoa học và Công nghệ Việt Nam 18/5"
)
PLACES = _phrases(
    "tại {venue}|tại huyện {district}|trên địa bàn tỉnh|tại xã {commune}, huyện {district}|"
    "tại trụ sở {org}|tại thành phố {district}|tại {company}||||"
)
SUBJECTS = _phrases(
    "Sở Khoa học và Công nghệ|Chi cục Tiêu chuẩn Đo lường Chất lượng|Ủy ban nhân dân tỉnh|"
    "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ|Đoàn kiểm tra liên ngành|Thanh tra Sở|"
    "Hội đồng khoa học và công nghệ cấp tỉnh|Phòng Quản lý khoa học|ông {person}, Giám đốc Sở|"
    "Phòng Quản lý công nghệ và Thị trường công nghệ|bà {person}, Phó Giám đốc Sở|"
    "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh|đồng chí {person}, Phó Chủ tịch UBND tỉnh|"
    "Trung tâm Thông tin và Thống kê khoa học và công nghệ|Quỹ Phát triển khoa học và công nghệ|"
    "Ban Chỉ đạo chuyển đổi số tỉnh|{company}|nhóm nghiên cứu của {org}|"
    "Ủy ban nhân dân huyện {district}|Hội Nông dân huyện {district}|{company}|{person}"
)
VERBS = _phrases(
    "đã tổ chức|phối hợp với {org} tổ chức|chủ trì buổi làm việc với {company} về|kiểm tra|"
    "tổ chức nghiệm thu|ban hành|đã hướng dẫn|đã trình phê duyệt|tổ chức tập huấn về|"
    "đánh giá cao|đã thẩm định|triển khai thí điểm|đề nghị đẩy mạnh|đã công bố|khảo sát|"
    "ký kết chương trình phối hợp về|báo cáo|đã cấp giấy chứng nhận|học tập kinh nghiệm về|"
    "lấy ý kiến về|xét chọn|tổ chức kiểm định|giới thiệu|kiểm tra tiến độ|làm việc về"
)
HEADS = _phrases(
    "nhiệm vụ khoa học và công nghệ cấp tỉnh|đề tài|dự án|mô hình|chương trình|kế hoạch|"
    "hoạt động|giải pháp|quy trình|hệ thống|nhiệm vụ cấp cơ sở|sáng kiến|đề án|||"
)
TAILS = _phrases(
    "||||||nhằm nâng cao hiệu quả quản lý nhà nước|với sự tham dự của {n} đại biểu|"
    "góp phần phát triển kinh tế - xã hội|theo Quyết định số {n}/QĐ-UBND ngày {date}|"
    "với tổng kinh phí {money} triệu đồng|trong đó ngân sách tỉnh hỗ trợ {pct}%|"
    "giai đoạn {year}-{year2}|cho {n} hộ dân|đạt {pct}% kế hoạch|năm {year}|trên diện tích "
    "{n} ha|tại {n} xã, phường|theo quy định"
)
RESULTS = _phrases(
    "mang lại hiệu quả thiết thực|cho thấy kết quả tích cực|giúp năng suất tăng {pct}%|"
    "phù hợp với điều kiện địa phương|còn nhiều khó khăn|cần được nhân rộng|"
    "tạo việc làm cho {n} lao động|đạt doanh thu {money} triệu đồng mỗi năm"
)
EVENTS = _phrases("hội nghị|hội thảo|buổi làm việc|buổi tọa đàm|lớp tập huấn|phiên họp|lễ ra mắt")
SHAPES = _phrases(
    "{TIME}, {PLACE} {SUBJECT} {VERB} {HEAD} {NP} {np} {TAIL}|"
    "Theo {role} {person}, {NP} {RESULT} {np}|"
    "Qua kiểm tra {n} cơ sở, đoàn đã phát hiện {small} trường hợp vi phạm về {NP}, {np}|"
    "Tại {EVENT}, các đại biểu thảo luận về {NP}, {np} và {np}|"
    "{SUBJECT} đề nghị {np} {VERB} {NP} {TAIL}|"
    "Kết quả, {NP} {RESULT} {TAIL}|"
    "{TIME}, {SUBJECT} {VERB} {HEAD} {NP} do {person} làm chủ nhiệm|"
    "{np} {NP} {np} {TAIL}|"
    "Dịp này, {SUBJECT} {VERB} {NP} cho {n} {np}"
)
CONNECTORS = _phrases("và|của|cho|trong|với|về|theo|nhằm|các|những|từ|đối với")
ROLES = _phrases("ông|bà|Tiến sĩ|Thạc sĩ|kỹ sư|đồng chí|Phó Giáo sư")
VENUES = _phrases(
    "Trung tâm Hội nghị tỉnh|Hội trường Sở|Nhà văn hóa huyện {district}|"
    "Khu công nghiệp {district}|Trường Đại học {district}"
)
ORGS = _phrases(
    "Viện Khoa học Nông nghiệp Việt Nam|Trường Đại học {district}|Sở Nông nghiệp và Môi trường|"
    "Cục Sở hữu trí tuệ|Viện Công nghệ sinh học|Hiệp hội Doanh nghiệp tỉnh|Trung tâm Khuyến nông"
)
NOTICE_OPENINGS = _phrases(
    "Sở Khoa học và Công nghệ tỉnh {province} thông báo|Mọi chi tiết xin liên hệ Sở Khoa học và "
    "Công nghệ tỉnh {province}|Bản tin Khoa học và Công nghệ tỉnh {province} phát hành hằng tháng"
)
CATEGORIES = _phrases(
    "Tin hoạt động|Tin khoa học và công nghệ|Thông báo|Tin địa phương|Sở hữu trí tuệ|"
    "Tiêu chuẩn - Đo lường - Chất lượng|Chuyển đổi số"
)
PLATFORMS = _phrases("nukeviet|sharepoint|liferay|dotnetnuke|drupal|wordpress|joomla")
SLOT = re.compile(r"\{(\w+)\}")


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _place(rng: random.Random) -> str:
    return " ".join(rng.sample(SYLLABLES, 2))


def _company(rng: random.Random) -> str:
    kind = rng.choice(["Công ty TNHH", "Công ty Cổ phần", "Hợp tác xã", "Công ty TNHH MTV"])
    return f"{kind} {_place(rng)}"


class Corpus:
    """The pool of sentence frames, and the per-article filling of their slots.

    A frame fixes its stock phrases (who, did what, when) and a noun phrase of its own; the
    names, places, numbers, dates and a second noun phrase are drawn for each article.
    """

    def __init__(self, seed: int = SEED, size: int = POOL_SIZE) -> None:
        rng = random.Random(f"{seed}:pool")
        parts = {
            "TIME": TIMES,
            "PLACE": PLACES,
            "SUBJECT": SUBJECTS,
            "VERB": VERBS,
            "HEAD": HEADS,
            "TAIL": TAILS,
            "RESULT": RESULTS,
            "EVENT": EVENTS,
        }

        def fixed(match: re.Match[str]) -> str:
            if match[1] == "NP":
                return noun_phrase(rng)
            return rng.choice(parts[match[1]]) if match[1] in parts else match[0]

        self.frames = [" ".join(SLOT.sub(fixed, rng.choice(SHAPES)).split()) for _ in range(size)]

    def sentence(self, rng: random.Random, year: int) -> str:
        """One frame with its names, places, numbers and dates filled in."""
        text = " ".join(fill(rng.choice(self.frames), rng, year).split())
        return text[0].upper() + text[1:] + "."

    def paragraphs(self, rng: random.Random, year: int, chars: int) -> list[list[str]]:
        """Paragraphs of two to four sentences, about `chars` characters in all."""
        result: list[list[str]] = []
        total = 0
        while total < chars:
            paragraph = [self.sentence(rng, year) for _ in range(rng.randint(2, 4))]
            total += sum(len(s) + 1 for s in paragraph)
            result.append(paragraph)
        return result

    def title(self, rng: random.Random, year: int, province: str) -> str:
        """A headline: what was done, about what, where or when."""
        verb = rng.choice(EVENTS + _phrases("Nghiệm thu|Triển khai|Kiểm tra|Phê duyệt"))
        where = rng.choice([f"năm {year}", f"tỉnh {province}", f"tại huyện {_place(rng)}", ""])
        text = f"{verb} {rng.choice(HEADS)} {noun_phrase(rng)} {where}"
        text = " ".join(text.split())
        return text[0].upper() + text[1:]


def noun_phrase(rng: random.Random) -> str:
    """Two to four content words, sometimes joined by a connector, sometimes a product."""
    words = [rng.choice(LEXICON) for _ in range(rng.randint(2, 4))]
    if len(words) > 2 and rng.random() < 0.5:
        words.insert(rng.randint(1, len(words) - 1), rng.choice(CONNECTORS))
    if rng.random() < 0.1:
        words.append(rng.choice(PRODUCTS))
    return " ".join(words)


def fill(text: str, rng: random.Random, year: int) -> str:
    """`text` with every {slot} drawn for this article."""
    return SLOT.sub(lambda m: _fill(m[1], rng, year), text)


def _fill(slot: str, rng: random.Random, year: int) -> str:
    if slot == "date":
        return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}"
    if slot == "daymonth":
        return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}"
    if slot in ("year", "year2"):
        return str(year + (rng.randint(1, 5) if slot == "year2" else -rng.randint(0, 1)))
    if slot in ("n", "small", "month"):
        top = {"n": 500, "small": 9, "month": 12}[slot]
        return str(rng.randint(2, top))
    if slot == "money":
        return f"{rng.randint(1, 9)}.{rng.randint(0, 999):03d}"
    if slot == "pct":
        return f"{rng.randint(5, 98)},{rng.randint(0, 9)}"
    if slot == "person":
        return _name(rng)
    if slot in ("district", "commune"):
        return _place(rng)
    if slot == "company":
        return _company(rng)
    if slot == "product":
        return rng.choice(PRODUCTS)
    if slot == "role":
        return rng.choice(ROLES)
    if slot == "np":
        return noun_phrase(rng)
    if slot in ("venue", "org"):
        return fill(rng.choice(VENUES if slot == "venue" else ORGS), rng, year)
    raise KeyError(slot)


@dataclass(frozen=True)
class Site:
    """One synthetic DOST site: who it is, how many articles it has, its standard paragraphs."""

    slug: str
    province: str
    count: int
    timed: bool  # publishes a time with the date (the platform shows one)
    platform: str
    first_year: int
    boilerplate: tuple[str, ...] = field(repr=False)

    @property
    def host(self) -> str:
        return f"sokhcn.{self.slug}.gov.vn"

    @property
    def publisher(self) -> str:
        return f"Sở Khoa học và Công nghệ tỉnh {self.province}"


@dataclass
class Draft:
    """An article's content before it becomes a record; a copy is made from its original's."""

    title: str
    paragraphs: list[list[str]]
    boilerplate: list[str]
    authors: list[str]
    day: date
    source: str | None = None


def plan_sites(total: int, corpus: Corpus, count: int = 60, seed: int = SEED) -> list[Site]:
    """`count` sites of uneven sizes (lognormal, as real sites are) summing to `total`."""
    rng = random.Random(f"{seed}:sites")
    with PROVINCES_CSV.open(encoding="utf-8") as handle:
        provinces = [(row["province"], row["slug"]) for row in csv.DictReader(handle)][:count]
    weights = [rng.lognormvariate(0, 0.8) for _ in provinces]
    shares = [total * w / sum(weights) for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda k: counts[k] - shares[k])
    for k in by_remainder[: total - sum(counts)]:
        counts[k] += 1
    return [
        Site(
            slug=slug,
            province=province,
            count=n,
            timed=rng.random() < 0.4,
            platform=rng.choice(PLATFORMS),
            first_year=rng.randint(2010, 2018),
            boilerplate=_standard_paragraphs(rng, corpus, province, slug),
        )
        for (province, slug), n in zip(provinces, counts, strict=True)
    ]


def _standard_paragraphs(
    rng: random.Random, corpus: Corpus, province: str, slug: str
) -> tuple[str, ...]:
    """A site's own notices (its wording, its contacts), appended to many of its articles."""
    phone = f"02{rng.randint(10, 99)}.{rng.randint(3000000, 3999999)}"
    contact = f"Điện thoại liên hệ: {phone}; thư điện tử: skhcn@{slug}.gov.vn."
    return tuple(
        f"{opening.format(province=province)}: {corpus.sentence(rng, 2025)} "
        f"{corpus.sentence(rng, 2025)} {contact}"
        for opening in NOTICE_OPENINGS
    )


class Plan:
    """The articles of an archive of `total` articles over `sites` sites, in crawl order (site
    by site, each newest first), each rebuilt from its seed when asked for."""

    def __init__(self, total: int, sites: int = 60, seed: int = SEED) -> None:
        self.seed = seed
        self.corpus = Corpus(seed)
        self.sites = plan_sites(total, self.corpus, sites, seed)
        self.total = total
        self._normalize = NormalizePipeline()

    def articles(self) -> Iterator[tuple[int, Article]]:
        """(site number, article) for every article, in crawl order; fetched 2 s apart."""
        position = 0
        for number, site in enumerate(self.sites):
            for i in range(site.count):
                fetched = CRAWL_START + timedelta(seconds=2 * position)
                yield number, self.article(number, i, fetched.strftime("%Y-%m-%dT%H:%M:%SZ"))
                position += 1

    def planted(self) -> Iterator[tuple[str, str]]:
        """(copy id, original id) of every syndicated copy planted."""
        for number, site in enumerate(self.sites):
            for i in range(site.count):
                root = self.original_of(number, i)
                if root is not None:
                    yield _article_id(site, i), _article_id(self.sites[root[0]], root[1])

    def _rng(self, site: Site, i: int, purpose: str = "") -> random.Random:
        return random.Random(f"{self.seed}:{site.slug}:{i}:{purpose}")

    def _is_copy(self, number: int, i: int) -> bool:
        return self._rng(self.sites[number], i, "copy").random() < COPY_SHARE

    def original_of(self, number: int, i: int) -> tuple[int, int] | None:
        """(site number, article number) of the article this one reposts, if it is a copy;
        always an article of another site that is itself no copy."""
        if not self._is_copy(number, i):
            return None
        rng = self._rng(self.sites[number], i, "root")
        weights = [s.count for s in self.sites]
        for _ in range(20):
            other = rng.choices(range(len(self.sites)), weights)[0]
            j = rng.randrange(self.sites[other].count)
            if other != number and not self._is_copy(other, j):
                return other, j
        return None

    def article(self, number: int, i: int, fetched_at: str) -> Article:
        """Article `i` of site `number` (0 is the newest), normalized as a crawl stores it."""
        site = self.sites[number]
        rng = self._rng(site, i)
        root = self.original_of(number, i)
        draft = self._draft(number, i) if root is None else self._copy(site, rng, *root)
        return self._record(site, i, rng, draft, fetched_at)

    def _draft(self, number: int, i: int) -> Draft:
        site = self.sites[number]
        rng = self._rng(site, i, "text")
        span = (date(2025, 6, 30) - date(site.first_year, 1, 1)).days
        day = date(2025, 6, 30) - timedelta(days=int(span * (i + rng.random()) / site.count))
        # At least one paragraph: a length drawn under zero (a few in a million) left none.
        paragraphs = self.corpus.paragraphs(rng, day.year, max(1, int(rng.gauss(BODY_CHARS, 300))))
        boilerplate = []
        if rng.random() < 0.45:
            boilerplate = rng.sample(site.boilerplate, 2 if rng.random() < 0.15 else 1)
        authors = [f"{rng.choice(MIDDLE)} {rng.choice(GIVEN)}"] if rng.random() < 0.8 else []
        title = self.corpus.title(rng, day.year, site.province)
        return Draft(title, paragraphs, boilerplate, authors, day)

    def _copy(self, site: Site, rng: random.Random, number: int, j: int) -> Draft:
        """A repost: the original with a new opening sentence, another byline, a credit, its
        site's standard paragraphs kept or not, published one to four days later."""
        original = self._draft(number, j)
        source = self.sites[number]
        opening = self.corpus.sentence(rng, original.day.year)
        first, *rest = original.paragraphs
        title = original.title if rng.random() < 0.5 else f"{source.province}: {original.title}"
        authors = [f"{rng.choice(MIDDLE)} {rng.choice(GIVEN)}"]
        if authors == original.authors:
            authors = [f"{authors[0]} (tổng hợp)"]
        return Draft(
            title=title,
            paragraphs=[[opening, *first[1:]], *rest],
            boilerplate=original.boilerplate if rng.random() < 0.5 else [],
            authors=authors,
            day=original.day + timedelta(days=rng.randint(1, 4)),
            source=f"Sở KH&CN tỉnh {source.province}",
        )

    def _record(
        self, site: Site, i: int, rng: random.Random, draft: Draft, fetched_at: str
    ) -> Article:
        paragraphs = [" ".join(p) for p in draft.paragraphs] + draft.boilerplate
        url = f"https://{site.host}/tin-tuc/{i}.html"
        image = None
        if rng.random() < 0.5:
            image = f"https://{site.host}/uploads/{draft.day:%Y/%m}/anh-{i}.jpg"
        published = draft.day.isoformat()
        if site.timed:
            published += f"T{rng.randint(7, 17):02d}:{rng.randint(0, 59):02d}:00+07:00"
        article = Article(
            id=_article_id(site, i),
            site=site.slug,
            province=site.province,
            publisher=site.publisher,
            url=url,
            alias_urls=[f"{url}?print=1"] if rng.random() < 0.1 else [],
            listing_url=f"https://{site.host}/tin-tuc/page-{i // 20 + 1}.html",
            category=rng.choice(CATEGORIES),
            title=draft.title,
            lead=draft.paragraphs[0][0] if rng.random() < 0.3 else None,
            body="\n\n".join(paragraphs),
            body_html=_body_html(paragraphs, image, draft.authors),
            authors=draft.authors,
            source=draft.source,
            published_at=published,
            published_at_raw=f"{draft.day:%d/%m/%Y}",
            date_source="profile",
            images=[{"url": image, "caption": None}] if image else [],
            fetched_at=fetched_at,
            http_status=200,
            warc={
                "filename": f"{CRAWL_START:%Y%m%dT%H%M%SZ}-{site.slug}.warc.gz",
                "offset": i * 9000,
                "length": rng.randint(6000, 14000),
                "record_id": f"<urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}>",
            },
            extractor=_extractor(site, draft),
        )
        return self._normalize.process_item(article)  # type: ignore[no-any-return]


def _article_id(site: Site, i: int) -> str:
    return f"{site.slug}:tin-{i}"


def _body_html(paragraphs: list[str], image: str | None, authors: list[str]) -> str:
    parts = [f"<p><span>{html.escape(p)}</span></p>" for p in paragraphs]
    if image:
        parts.insert(min(2, len(parts)), f'<p><img src="{image}" alt=""></p>')
    parts += [f"<p><strong>{html.escape(a)}</strong></p>" for a in authors]
    return '<div class="noidung"> ' + " ".join(parts) + " </div>"


def _extractor(site: Site, draft: Draft) -> dict[str, object]:
    return {
        "charset": "utf-8",
        "confidence": {"authors": 0.6, "body": 0.95, "published_at": 0.95, "title": 0.95},
        "disagreements": [],
        "fields": {
            "authors": "body",
            "body": "profile",
            "category": "profile",
            "published_at": "profile",
            "title": "profile",
        },
        "listing": {"category": None, "date": f"{draft.day:%d/%m/%Y}", "title": draft.title},
        "low_confidence": False,
        "name": "dostcrawler",
        "platform": site.platform,
        "undecodable_chars": 0,
        "version": "0.2.0",
    }


def sample(plan: Plan, count: int) -> list[Article]:
    """`count` articles spread evenly over the plan (to look at the text), stored nowhere."""
    step = max(1, plan.total // count)
    fetched = f"{CRAWL_START:%Y-%m-%dT%H:%M:%SZ}"
    numbered = [(n, i) for n, site in enumerate(plan.sites) for i in range(site.count)]
    return [plan.article(n, i, fetched) for n, i in numbered[::step][:count]]
