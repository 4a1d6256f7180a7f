"""The roster template of a commune: its own villages in the drop-down list."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.extensions import db
from lms.org.models import Commune, Village
from lms.org.roster import GENDER_LABEL, KIND_HEADER, ROLE_LABEL
from lms.spreadsheets_template import Column, write_template
from lms.timeutil import local_today


def template_bytes(commune: Commune, today: date | None = None) -> bytes:
    """The .xlsx template for ``commune`` (headers in Vietnamese, as offices write them)."""
    today = today or local_today()
    villages = db.session.scalars(select(Village.name).where(Village.commune_id == commune.id)
                                  .order_by(Village.name)).all()
    village_header = KIND_HEADER.get(commune.village_kind, "Tổ dân phố")
    columns = [
        Column("Họ và tên", 26),
        Column("Số điện thoại", 16, "phone"),
        Column("Năm sinh", 10, "number"),
        Column("Giới tính", 10, choices=list(GENDER_LABEL.values())),
        Column(village_header, 24, choices=list(villages)),
        Column("Vai trò", 16, choices=list(ROLE_LABEL.values())),
        Column("Nghề nghiệp", 22),
        Column("Ngày tham gia", 14, "date"),
        Column("Ngày rời tổ", 14, "date"),
    ]
    example = ["Ví dụ: Nguyễn Thị Hoa", "0912345678", 1985, "Nữ", villages[0] if villages else "",
               "Thành viên", "Giáo viên", date(today.year, 1, 15), None]
    instructions = [
        f"Danh sách thành viên Tổ công nghệ số cộng đồng của {commune.name}.",
        "1. Mỗi dòng là một người trong một tổ. Người ở hai tổ (tổ cấp xã và tổ ở thôn/tổ dân "
        "phố) ghi hai dòng.",
        "2. Bắt buộc: Họ và tên, Số điện thoại, Ngày tham gia. Các cột khác có thể để trống.",
        "3. Số điện thoại ghi đủ 10 số, có số 0 ở đầu (cột đã để dạng chữ nên số 0 không mất).",
        f"4. Cột {village_header}: chọn trong danh sách; để trống nếu người đó ở tổ cấp xã.",
        "5. Vai trò: Tổ trưởng, Tổ phó, Thành viên hoặc Cộng tác viên (để trống là Thành viên).",
        "6. Ngày ghi theo dạng ngày/tháng/năm, ví dụ 15/01/2026.",
        "7. Người đã rời tổ: ghi Ngày rời tổ; không xoá dòng của họ.",
        "8. Dòng bắt đầu bằng “Ví dụ:” không được nhập; có thể ghi đè lên nó. Nhập lại cùng một tệp không tạo người trùng: người "
        "được nhận ra theo số điện thoại.",
    ]
    return write_template(columns, example, instructions,
                          title="Hướng dẫn điền danh sách thành viên Tổ CNSCĐ",
                          sheet="Danh sách", instructions_title="Hướng dẫn")
