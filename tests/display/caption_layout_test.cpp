#include "hallcast/display/caption_layout.hpp"

#include <gtest/gtest.h>

#include "hallcast/common/text.hpp"

namespace hallcast::display {
namespace {

const std::string kQuote =
    "Chuyển đổi số là xu thế tất yếu, là điều bắt buộc phải làm để tỉnh Thanh Hóa phát triển "
    "nhanh và bền vững trong giai đoạn tới";

TEST(WrapText, KeepsShortTextOnOneLine) {
  EXPECT_EQ(wrap_text("Xin chào Thanh Hóa", 40), std::vector<std::string>{"Xin chào Thanh Hóa"});
}

TEST(WrapText, BreaksAtSpacesCountingCodePointsNotBytes) {
  // "Chuyển đổi số" is 13 code points but 19 bytes: it must fit a 13-column line.
  auto lines = wrap_text("Chuyển đổi số tỉnh Thanh Hóa", 13);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "Chuyển đổi số");
  EXPECT_EQ(lines[1], "tỉnh Thanh");
  EXPECT_EQ(lines[2], "Hóa");
}

TEST(WrapText, EveryLineFitsAndNothingIsLost) {
  for (int cols : {10, 17, 32, 48}) {
    auto lines = wrap_text(kQuote, cols);
    std::string joined;
    for (const auto& l : lines) {
      EXPECT_LE(text::code_points(l), size_t(cols)) << l;
      joined += (joined.empty() ? "" : " ") + l;
    }
    EXPECT_EQ(joined, kQuote) << cols;
  }
}

TEST(WrapText, CutsAWordLongerThanALineAndCollapsesSpaces) {
  auto lines = wrap_text("  ab   cdefghijkl  ", 4);
  EXPECT_EQ(lines, (std::vector<std::string>{"ab", "cdef", "ghij", "kl"}));
  EXPECT_TRUE(wrap_text("   ", 10).empty());
}

CaptionTiming timing() {
  return CaptionTiming{2, 7000, 2500, 45};
}

TEST(CaptionBoard, PartialUpdatesInPlaceShowingTheNewestTwoLines) {
  CaptionBoard b(20, timing());
  b.set("Chuyển đổi số", false, 0);
  EXPECT_EQ(b.visible(100), std::vector<std::string>{"Chuyển đổi số"});
  b.set(kQuote, false, 200);
  auto v = b.visible(300);
  ASSERT_EQ(v.size(), 2u);
  auto all = wrap_text(kQuote, 20);
  EXPECT_EQ(v[0], all[all.size() - 2]);
  EXPECT_EQ(v[1], all.back());
}

TEST(CaptionBoard, LongFinalCaptionIsPagedThenExpires) {
  CaptionBoard b(20, timing());
  b.set(kQuote, true, 0);
  auto all = wrap_text(kQuote, 20);
  ASSERT_GT(all.size(), 4u);
  EXPECT_EQ(b.visible(0), (std::vector<std::string>{all[0], all[1]}));
  EXPECT_EQ(b.visible(2600), (std::vector<std::string>{all[2], all[3]}));
  // The last page stays, then the caption goes away.
  EXPECT_EQ(b.visible(12000).back(), all.back());  // 4 pages of 2.5 s, then held 7 s
  EXPECT_FALSE(b.visible(14000).empty());
  EXPECT_TRUE(b.visible(15000).empty());
}

TEST(CaptionBoard, FinalReplacesPartialAndClearEmpties) {
  CaptionBoard b(40, timing());
  b.set("chuyển đổi", false, 0);
  b.set("Chuyển đổi số.", true, 10);
  EXPECT_EQ(b.visible(20), std::vector<std::string>{"Chuyển đổi số."});
  b.clear();
  EXPECT_TRUE(b.visible(30).empty());
}

TEST(CaptionBoard, PartialExpiresAfterHold) {
  CaptionBoard b(40, timing());
  b.set("đang gõ", false, 0);
  EXPECT_FALSE(b.visible(6999).empty());
  EXPECT_TRUE(b.visible(7001).empty());
}

}  // namespace
}  // namespace hallcast::display
