#include "hallcast/display/standby_text.hpp"

#include <chrono>

#include <gtest/gtest.h>

namespace hallcast::display {
namespace {

using namespace std::chrono;

// 2022-10-06 at hh:mm in Vietnam (UTC+7).
config::TimePoint vn(int hh, int mm, int day = 6) {
  return sys_days{year{2022} / October / day} + hours{hh - 7} + minutes{mm};
}

config::Config event() {
  config::Config c;
  c.event.name = "Ngày Chuyển đổi số tỉnh Thanh Hóa 2022";
  c.event.timezone = "Asia/Ho_Chi_Minh";
  c.halls = {{"hoi-truong", "Hội trường hội thảo", "", {}}, {"trien-lam", "Khu triển lãm", "", {}}};
  config::Session s1;
  s1.id = "hoi-thao-1";
  s1.title = "Thúc đẩy chương trình chuyển đổi số tỉnh Thanh Hóa năm 2022";
  s1.hall = "hoi-truong";
  s1.start = vn(8, 0);
  s1.end = vn(9, 30);
  config::Session s2 = s1;
  s2.id = "hoi-thao-2";
  s2.title = "Chuyển đổi số doanh nghiệp nhỏ và vừa";
  s2.start = vn(9, 45);
  s2.end = vn(11, 0);
  c.sessions = {s1, s2};
  return c;
}

TEST(StandbyText, ShowsTheSessionOnNow) {
  auto t = make_standby_text(event(), "hoi-truong", vn(8, 30));
  EXPECT_EQ(t.event, "Ngày Chuyển đổi số tỉnh Thanh Hóa 2022");
  EXPECT_EQ(t.heading, "Đang diễn ra");
  EXPECT_EQ(t.session, "Thúc đẩy chương trình chuyển đổi số tỉnh Thanh Hóa năm 2022");
  EXPECT_EQ(t.when, "08:00 – 09:30 · Hội trường hội thảo");
}

TEST(StandbyText, BetweenSessionsShowsTheNextOne) {
  auto t = make_standby_text(event(), "hoi-truong", vn(9, 35));
  EXPECT_EQ(t.heading, "Tiếp theo");
  EXPECT_EQ(t.session, "Chuyển đổi số doanh nghiệp nhỏ và vừa");
  EXPECT_EQ(t.when, "09:45 – 11:00 · Hội trường hội thảo");
}

TEST(StandbyText, AnotherDayCarriesTheDate) {
  auto t = make_standby_text(event(), "hoi-truong", vn(20, 0, 5));
  EXPECT_EQ(t.heading, "Tiếp theo");
  EXPECT_EQ(t.when, "06/10/2022 08:00 – 09:30 · Hội trường hội thảo");
}

TEST(StandbyText, NothingScheduledLeavesOnlyTheEventName) {
  auto t = make_standby_text(event(), "trien-lam", vn(8, 30));
  EXPECT_EQ(t.event, "Ngày Chuyển đổi số tỉnh Thanh Hóa 2022");
  EXPECT_TRUE(t.heading.empty());
  EXPECT_TRUE(t.session.empty());
  auto after = make_standby_text(event(), "hoi-truong", vn(12, 0));
  EXPECT_TRUE(after.session.empty());
}

TEST(StandbyText, ClockIsInTheEventTimeZone) {
  EXPECT_EQ(format_clock(vn(8, 5), "Asia/Ho_Chi_Minh"), "08:05");
  EXPECT_EQ(format_clock(vn(8, 5), "UTC"), "01:05");
  EXPECT_EQ(format_clock(vn(8, 5), "Not/AZone"), "01:05");  // unknown zone: UTC
}

}  // namespace
}  // namespace hallcast::display
