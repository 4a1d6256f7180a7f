"""The training-history import template and the words for what an import wrote."""

from __future__ import annotations

from flask_babel import ngettext

from lms.spreadsheets_template import Column, write_template
from lms.timeutil import local_today


def template_bytes() -> bytes:
    """The .xlsx template of a training-history sheet (headers in Vietnamese)."""
    today = local_today()
    columns = [
        Column("Ngày", 12, "date"),
        Column("Tên lớp", 34),
        Column("Hình thức", 14, choices=["Trực tiếp", "Trực tuyến", "Kết hợp"]),
        Column("Số điện thoại", 16, "phone"),
        Column("Họ và tên", 26),
        Column("Trạng thái", 16, choices=["Có mặt", "Đến muộn", "Vắng có phép", "Vắng"]),
        Column("Ký tên", 14),
    ]
    example = [today.replace(day=1), "Ví dụ: Tập huấn kỹ năng số cơ bản", "Trực tiếp",
               "0912345678", "Nguyễn Thị Hoa", "Có mặt", ""]
    instructions = [
        "Lịch sử tập huấn: danh sách ký tên trên giấy, danh sách dự họp trực tuyến, các lớp đã "
        "tổ chức trước khi dùng nền tảng.",
        "1. Mỗi dòng là một người ở một lớp. Bắt buộc: Ngày, Tên lớp, Số điện thoại.",
        "2. Lớp được nhận ra theo ngày và tên lớp; chưa có thì được tạo mới.",
        "3. Người được nhận ra theo số điện thoại: hãy nhập danh sách thành viên trước.",
        "4. Trạng thái: Có mặt, Đến muộn, Vắng có phép hoặc Vắng; dấu x, ✓ hoặc 1 cũng là có "
        "mặt. Để trống thì dòng đó không được ghi. Không có cột Trạng thái thì mọi người trong "
        "danh sách được ghi là có mặt.",
        "5. Cột Ký tên không được đọc.",
        "6. Ngày ghi theo dạng ngày/tháng/năm, ví dụ 05/03/2026.",
        "7. Dòng có chữ “Ví dụ:” không được nhập. Nhập lại cùng một tệp không ghi trùng.",
    ]
    return write_template(columns, example, instructions,
                          title="Hướng dẫn điền lịch sử tập huấn", sheet="Điểm danh",
                          instructions_title="Hướng dẫn")


def stats_text(stats: dict) -> str:
    """``Created 2 sessions; recorded 40 attendances; 3 unchanged.``"""
    return "; ".join([
        ngettext("Created %(num)s session", "Created %(num)s sessions",
                 stats.get("sessions_created", 0)),
        ngettext("recorded %(num)s attendance", "recorded %(num)s attendances",
                 stats.get("marked", 0)),
        ngettext("%(num)s unchanged", "%(num)s unchanged", stats.get("unchanged", 0)),
    ]) + "."
