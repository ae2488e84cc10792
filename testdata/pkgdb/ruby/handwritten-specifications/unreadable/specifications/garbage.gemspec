this is not a gemspec
