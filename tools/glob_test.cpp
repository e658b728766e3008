#include "tools/glob.h"

#include <gtest/gtest.h>

namespace agent {
namespace {

bool m(const char* pattern, const char* path) {
  auto g = Glob::compile(pattern);
  EXPECT_TRUE(g.ok()) << pattern << ": " << g.status().message();
  return g.ok() && g->matches(path);
}

TEST(Glob, PatternWithoutSlashMatchesTheNameAtAnyDepth) {
  EXPECT_TRUE(m("*.py", "a.py"));
  EXPECT_TRUE(m("*.py", "src/deep/a.py"));
  EXPECT_FALSE(m("*.py", "src/a.pyc"));
  EXPECT_FALSE(m("*.py", "a.py/readme"));
  EXPECT_TRUE(m("Makefile", "sub/Makefile"));
}

TEST(Glob, StarStaysInsideOneFolderAndGlobstarCrossesThem) {
  EXPECT_TRUE(m("src/*.ts", "src/a.ts"));
  EXPECT_FALSE(m("src/*.ts", "src/x/a.ts"));
  EXPECT_TRUE(m("src/**/*.ts", "src/a.ts"));  // `**/` also matches no folder
  EXPECT_TRUE(m("src/**/*.ts", "src/x/y/a.ts"));
  EXPECT_FALSE(m("src/**/*.ts", "lib/src/a.ts"));
  EXPECT_TRUE(m("**/test_*.py", "test_a.py"));
  EXPECT_TRUE(m("**/test_*.py", "a/b/test_a.py"));
  EXPECT_TRUE(m("docs/**", "docs/a/b.md"));
  EXPECT_TRUE(m("./src/*.ts", "src/a.ts"));
  EXPECT_TRUE(m("/src/*.ts", "src/a.ts"));
}

TEST(Glob, ClassesBracesQuestionMarksAndEscapes) {
  EXPECT_TRUE(m("*.{h,cpp}", "x/a.h"));
  EXPECT_TRUE(m("*.{h,cpp}", "a.cpp"));
  EXPECT_FALSE(m("*.{h,cpp}", "a.c"));
  EXPECT_TRUE(m("{src,lib}/**/*.{js,ts}", "lib/a/b.ts"));
  EXPECT_TRUE(m("file[0-9].txt", "file7.txt"));
  EXPECT_FALSE(m("file[0-9].txt", "filex.txt"));
  EXPECT_TRUE(m("file[!0-9].txt", "filex.txt"));
  EXPECT_TRUE(m("file[^0-9].txt", "filex.txt"));
  EXPECT_TRUE(m("a?c", "abc"));
  EXPECT_FALSE(m("a?c", "a/c"));
  EXPECT_TRUE(m("a\\*c", "a*c"));
  EXPECT_FALSE(m("a\\*c", "abc"));
}

TEST(Glob, UnicodeCharactersAreOneCharacter) {
  EXPECT_TRUE(m("caf?.txt", "café.txt"));
  EXPECT_TRUE(m("[é]*", "été.md"));
  EXPECT_TRUE(m("*.md", "文档/说明.md"));
  EXPECT_TRUE(m("文档/*", "文档/说明.md"));
}

TEST(Glob, ManyStarsStayFast) {
  std::string path(3000, 'a');
  EXPECT_FALSE(m("*a*a*a*a*a*a*a*a*a*a*b", path.c_str()));
  EXPECT_FALSE(m("**a**a**a**a**a**a**a**b", path.c_str()));
}

TEST(Glob, InvalidPatternsAreErrorsForTheModel) {
  auto a = Glob::compile("*.{h,cpp");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("'{' without its '}'"), std::string::npos);
  auto b = Glob::compile("file[0-9.txt");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("'[' without its ']'"), std::string::npos);
  EXPECT_FALSE(Glob::compile("").ok());
  EXPECT_FALSE(Glob::compile("{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}").ok());
}

}  // namespace
}  // namespace agent
