require_relative "lib/constant/version"

Gem::Specification.new do |s|
  s.name = "constant"
  s.version = Constant::VERSION
end
