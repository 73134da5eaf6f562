// result_url syntax (SPEC 3): an absolute http or https URL with a host (internal).
#pragma once

#include <string>
#include <string_view>

namespace fuse {

// What is wrong with `url` (already trimmed), as the end of a sentence that starts with the URL
// ("must start with http:// or https://, e.g. ..."); "" when it is acceptable.
std::string result_url_problem(std::string_view url);

}  // namespace fuse
