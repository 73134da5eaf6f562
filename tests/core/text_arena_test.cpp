// The core's text arena (core/src/text_arena.hpp): held text stays put; a rollback drops what
// came after its mark and the blocks are reused.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "text_arena.hpp"

BOOST_AUTO_TEST_SUITE(text_arena)

BOOST_AUTO_TEST_CASE(held_text_stays_where_it_is_as_the_arena_grows) {
  fuse::TextArena arena;
  std::vector<std::string_view> views;
  std::vector<std::string> texts;
  for (int i = 0; i < 20000; ++i) {
    texts.push_back("text number " + std::to_string(i) + std::string(static_cast<std::size_t>(i % 50), 'x'));
    views.push_back(arena.hold(texts.back()));
  }
  for (std::size_t i = 0; i < texts.size(); ++i) BOOST_TEST(views[i] == texts[i]);
  const std::string big(3u << 20, 'b');  // larger than any block: a block of its own
  BOOST_TEST(arena.hold(big) == big);
  BOOST_TEST(views[0] == texts[0]);
  BOOST_TEST(arena.hold("").empty());
}

BOOST_AUTO_TEST_CASE(a_rollback_drops_what_came_after_the_mark_and_reuses_its_blocks) {
  fuse::TextArena arena;
  const std::string_view kept = arena.hold("kept before the mark");
  const fuse::TextArena::Mark mark = arena.mark();
  for (int i = 0; i < 5000; ++i) static_cast<void>(arena.hold(std::string(100, 'a')));
  const std::size_t grown = arena.memory_bytes();
  arena.rollback(mark);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 5000; ++i) BOOST_TEST(arena.hold(std::string(100, 'c')) == std::string(100, 'c'));
    arena.rollback(mark);
  }
  BOOST_TEST(arena.memory_bytes() == grown);  // the same blocks, filled again
  BOOST_TEST(kept == "kept before the mark");
  arena.clear();
  BOOST_TEST(arena.memory_bytes() < grown);
}

BOOST_AUTO_TEST_SUITE_END()
