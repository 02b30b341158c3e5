/*
 * testutils.h: helpers shared by the test programs
 */
#pragma once

#include "internal.h"

/* Run one named test case; prints "ok"/"FAIL" and counts failures. */
int virTestRun(const char *title, int (*body)(const void *data), const void *data);

/* Compare @actual with the golden file @path. With VIR_TEST_REGENERATE_OUTPUT=1
 * in the environment the file is (re)written instead. Prints the unified
 * diff from the file to @actual on mismatch. Returns 0 if equal (or
 * regenerated). */
int virTestCompareToFile(const char *actual, const char *path);

/* The unified diff (3 lines of context, the layout of diff -u) from
 * @textA to @textB, named @nameA and @nameB in its header; "" when equal. */
char *virTestDiff(const char *nameA, const char *textA,
                  const char *nameB, const char *textB);

/* The same printed as TAP comments, each line after "#   ". */
void virTestPrintDiff(const char *nameA, const char *textA,
                      const char *nameB, const char *textB);

/* Absolute path of a file under the source tests/ directory. */
char *virTestSrcPath(const char *rel);

/* Is there a last error containing @needle? If so it is reset and 0
 * returned; else a message naming @what and -1. */
int virTestExpectError(const char *what, const char *needle);

/* Exit status for main(): 0 if all passed, 1 otherwise. */
int virTestResult(void);

/* Collect warnings instead of printing them (tests of warnings). */
void virTestCaptureWarnings(GString *into);

/* One input of a parse -> format test: NAME and the path of its NAME.xml. */
typedef struct {
    const char *name;
    char *inpath;
} virTestXMLInput;

/* The NAMEs of the NAME.xml files in @indir, sorted; NULL, with a message,
 * when the directory cannot be read or holds none. */
GPtrArray *virTestXMLInputs(const char *indir);

/* A test per NAME of @names (a virTestXMLInput is its data): "rejects NAME"
 * running @invalid when NAME starts with "invalid-", else "xml2xml NAME"
 * running @valid. */
void virTestRunXMLInputs(const char *indir, const GPtrArray *names,
                         int (*valid)(const void *data),
                         int (*invalid)(const void *data));

#define VIR_TEST_MAIN(func) \
    int main(int argc G_GNUC_UNUSED, char **argv G_GNUC_UNUSED) \
    { \
        if (func() < 0) \
            return 1; \
        return virTestResult(); \
    }
