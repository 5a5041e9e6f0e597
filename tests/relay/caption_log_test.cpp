// CaptionLog persistence and WebVTT output.
#include "hallcast/relay/caption_log.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "hallcast/testsupport/temp_dir.hpp"

namespace hallcast::relay {
namespace {

using testsupport::TempDir;

TEST(CaptionLog, AppendsAndReadsBackSkippingATornLine) {
  TempDir d;
  {
    CaptionLog log(d.str() + "/state", "hoi-truong");
    EXPECT_TRUE(log.append(Json{{"type", "caption"}, {"id", "c-1"}, {"text", "Kính thưa"}}));
    EXPECT_TRUE(log.append(Json{{"type", "title"}, {"text", "Khai mạc"}}));
  }
  std::ofstream(d.str() + "/state/hoi-truong.captions.jsonl", std::ios::app) << "{\"type\":\"capt";
  CaptionLog again(d.str() + "/state", "hoi-truong");
  auto records = again.read_all();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["text"], "Kính thưa");
  EXPECT_EQ(records[1]["type"], "title");
}

TEST(CaptionLog, UnwritableDirectoryIsAnError) {
  EXPECT_THROW(CaptionLog("/proc/hallcast-no", "x"), std::runtime_error);
}

TEST(WebVtt, StructureTimesAndEscaping) {
  std::vector<FinalCaption> c = {{"c-1", "vi", "Kính thưa các vị đại biểu", 61000},
                                 {"c-2", "vi", "<i>a</i> & b --> c", 63500},
                                 {"c-3", "vi", "cuối", 3723004}};
  std::string vtt = to_webvtt(c, 1000);
  EXPECT_EQ(vtt,
            "WEBVTT\n\n"
            "c-1\n00:01:00.000 --> 00:01:02.500\nKính thưa các vị đại biểu\n\n"
            "c-2\n00:01:02.500 --> 00:01:09.500\n&lt;i&gt;a&lt;/i&gt; &amp; b --&gt; c\n\n"
            "c-3\n01:02:02.004 --> 01:02:09.004\ncuối\n\n");
  EXPECT_EQ(to_webvtt({}, 0), "WEBVTT\n\n");
  EXPECT_EQ(vtt_timestamp(-5), "00:00:00.000");
}

}  // namespace
}  // namespace hallcast::relay
