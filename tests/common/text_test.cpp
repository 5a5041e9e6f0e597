// Text rules: UTF-8 validation, NFC normalisation of Vietnamese, markup escaping, typo hints.
#include <gtest/gtest.h>

#include "hallcast/common/text.hpp"

namespace hallcast::text {
namespace {

// "Thanh Hóa" composed (ó = U+00F3) and decomposed (o + U+0301 combining acute).
const std::string kNfc =
    "Thanh H\xC3\xB3"
    "a";
const std::string kNfd =
    "Thanh Ho\xCC\x81"
    "a";

TEST(CommonText, NfdVietnameseBecomesNfc) {
  ASSERT_NE(kNfc, kNfd);
  EXPECT_EQ(normalize_nfc(kNfd), kNfc);
  EXPECT_EQ(normalize_nfc(kNfc), kNfc);
}

TEST(CommonText, TwoDiacriticsOnOneVowelCompose) {
  // "ệ" written as e + U+0323 (dot below) + U+0302 (circumflex): NFC is U+1EC7.
  EXPECT_EQ(normalize_nfc("Vi\x65\xCC\xA3\xCC\x82t"), "Vi\xE1\xBB\x87t");
  EXPECT_EQ(code_points(*normalize_nfc("Vi\x65\xCC\xA3\xCC\x82t")), 4u);
}

TEST(CommonText, InvalidUtf8IsRejected) {
  EXPECT_TRUE(is_valid_utf8(kNfc));
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_FALSE(
      is_valid_utf8("Thanh H\xF3"
                    "a"));                              // Latin-1 ó
  EXPECT_FALSE(is_valid_utf8("\xC3"));                  // truncated sequence
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));              // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));          // UTF-16 surrogate
  EXPECT_FALSE(is_valid_utf8(std::string("a\0b", 3)));  // embedded NUL
  EXPECT_EQ(normalize_nfc("\xFF"), std::nullopt);
}

TEST(CommonText, CountsCodePointsNotBytes) {
  EXPECT_EQ(code_points(kNfc), 9u);
  EXPECT_EQ(code_points(kNfd), 10u);
  EXPECT_EQ(code_points("Chương trình sẽ tiếp tục"), 24u);
  EXPECT_EQ(code_points(""), 0u);
}

TEST(CommonText, EscapesMarkup) {
  EXPECT_EQ(escape_markup("<b>Sở TT&TT</b> \"5G\" 'Viettel'"),
            "&lt;b&gt;Sở TT&amp;TT&lt;/b&gt; &quot;5G&quot; &apos;Viettel&apos;");
  EXPECT_EQ(escape_markup("Hội thảo"), "Hội thảo");
  EXPECT_EQ(escape_markup(""), "");
}

TEST(CommonText, DidYouMeanFindsCloseTypos) {
  EXPECT_EQ(did_you_mean("listn", {"listen", "tls_cert", "tls_key"}), "listen");
  EXPECT_EQ(did_you_mean("reley", {"relay", "program", "slate"}), "relay");
  EXPECT_EQ(did_you_mean("hoi-truongg", {"hoi-truong", "trien-lam"}), "hoi-truong");
  EXPECT_EQ(did_you_mean("nmae", {"id", "name"}), "name");  // swapped letters: one edit
}

TEST(CommonText, DidYouMeanStaysQuietWhenNothingIsClose) {
  EXPECT_EQ(did_you_mean("zzzzzzzz", {"listen", "state_dir"}), std::nullopt);
  EXPECT_EQ(did_you_mean("x", {"id", "name"}), std::nullopt);
  EXPECT_EQ(did_you_mean("name", {"name"}), std::nullopt);  // exact match is not a typo
  EXPECT_EQ(did_you_mean("abc", {}), std::nullopt);
}

}  // namespace
}  // namespace hallcast::text
