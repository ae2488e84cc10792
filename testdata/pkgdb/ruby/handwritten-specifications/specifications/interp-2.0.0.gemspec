# -*- encoding: utf-8 -*-
# stub: interp 2.0.0 ruby lib
major = 2

Gem::Specification.new do |s|
  s.name = "interp".freeze
  s.version = "#{major}.0.0"
end
