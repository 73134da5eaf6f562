#define BOOST_TEST_MODULE fuse_core
#include <boost/test/unit_test.hpp>
